package io.faultline.cli.controls;

import io.faultline.cli.Faultline;
import io.faultline.cli.OutputOption;
import io.faultline.cli.PlatformOptions;
import io.faultline.cli.Printer;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code faultline resume}. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Resumes a halted tenant or the whole platform.")
public final class ResumeCommand implements Callable<Integer> {
  @ParentCommand Faultline root;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin PlatformOptions platform;

  @Mixin OutputOption output;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ControlScope scope;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why (at most 500 characters); carried in the control event.")
  String reason;

  @Override
  public Integer call() {
    return ControlCall.issue(
        "resume",
        scope,
        reason,
        platform,
        root.env(),
        new Printer(output.format(), spec.commandLine().getOut(), spec.commandLine().getErr()));
  }
}
