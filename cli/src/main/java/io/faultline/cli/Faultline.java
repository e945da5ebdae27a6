package io.faultline.cli;

import io.faultline.cli.controls.HaltCommand;
import io.faultline.cli.controls.ResumeCommand;
import io.faultline.cli.events.EventsCommand;
import io.faultline.cli.publish.PublishCommand;
import io.faultline.cli.run.RunCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code faultline}: the command line of the Faultline platform. */
@Command(
    name = "faultline",
    mixinStandardHelpOptions = true,
    versionProvider = Faultline.Version.class,
    description =
        "Run experiments and gate on their verdict, publish fault requests, follow events, halt.",
    subcommands = {
      RunCommand.class,
      PublishCommand.class,
      EventsCommand.class,
      HaltCommand.class,
      ResumeCommand.class
    },
    exitCodeOnInvalidInput = 64,
    exitCodeOnExecutionException = 70)
public final class Faultline implements Runnable {
  private final Environment env;

  @Spec CommandSpec spec;

  Faultline(Environment env) {
    this.env = env;
  }

  public Environment env() {
    return env;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: run, publish, events, halt or resume");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(Environment.system(), out, err, args));
  }

  /** Runs one command line; the exit code. */
  public static int execute(Environment env, PrintWriter out, PrintWriter err, String... args) {
    return commandLine(env, out, err).execute(args);
  }

  static CommandLine commandLine(Environment env, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Faultline(env));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CliException failure) {
            commandLine.getErr().println("faultline: " + failure.getMessage());
            commandLine.getErr().flush();
            return failure.exitCode().code();
          }
          commandLine.getErr().println("faultline: internal error: " + e);
          commandLine.getErr().flush();
          return ExitCode.SOFTWARE.code();
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          // The error and where help is; the whole usage would bury the one line that matters.
          PrintWriter stderr = e.getCommandLine().getErr();
          stderr.println("faultline: " + e.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(e, stderr);
          stderr.println(
              "Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          stderr.flush();
          return ExitCode.USAGE.code();
        });
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode code : ExitCode.values()) {
      codes.put(Integer.toString(code.code()), code.meaning());
    }
    apply(cli, codes);
    return cli;
  }

  private static void apply(CommandLine cli, Map<String, String> codes) {
    cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    cli.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE.code());
    cli.getCommandSpec().exitCodeOnExecutionException(ExitCode.SOFTWARE.code());
    cli.getSubcommands().values().forEach(sub -> apply(sub, codes));
  }

  /** The version from the jar's manifest (the build's version), or {@code dev}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Faultline.class.getPackage().getImplementationVersion();
      return new String[] {"faultline " + (version == null ? "dev" : version)};
    }
  }
}
