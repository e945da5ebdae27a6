package io.faultline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One invocation of the CLI in this JVM: its exit code and what it printed. */
public record CliRun(int exitCode, String out, String err) {
  public static CliRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Faultline.execute(
            new Environment(env), new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  public static CliRun of(String... args) {
    return of(Map.of(), args);
  }
}
