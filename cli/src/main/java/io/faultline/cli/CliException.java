package io.faultline.cli;

/**
 * A failure the user can act on: its message is printed as it is (no stack trace) and the command
 * exits with its code. Messages never contain a token or a secret.
 */
public class CliException extends RuntimeException {
  private final ExitCode exitCode;

  public CliException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
