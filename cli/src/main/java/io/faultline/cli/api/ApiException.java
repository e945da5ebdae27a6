package io.faultline.cli.api;

import io.faultline.cli.CliException;
import io.faultline.cli.ExitCode;

/** The platform answered with an error status; carries what it said. */
public final class ApiException extends CliException {
  private final Problem problem;

  ApiException(String what, Problem problem, String hint) {
    super(
        ExitCode.forStatus(problem.status()),
        what + " was refused: " + problem.describe() + (hint == null ? "" : "\n" + hint));
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
