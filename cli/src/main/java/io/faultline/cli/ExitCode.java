package io.faultline.cli;

/**
 * The exit codes of {@code faultline}, one meaning each, so a pipeline can tell a refuted
 * hypothesis from an unreachable platform. Codes 64 and up follow BSD's {@code sysexits.h}.
 */
public enum ExitCode {
  /** Done; for {@code run --wait}: the verdict is HYPOTHESIS_HELD. */
  OK(0, "success; run --wait: the verdict is HYPOTHESIS_HELD"),
  /** The run's verdict is HYPOTHESIS_REFUTED (a stop condition breached, or steady state lost). */
  REFUTED(1, "run --wait: the verdict is HYPOTHESIS_REFUTED"),
  /** The run ended INCONCLUSIVE, or without a verdict at all. */
  INCONCLUSIVE(2, "run --wait: the verdict is INCONCLUSIVE, or the run ended without a verdict"),
  /**
   * The platform refused: an unknown experiment, an invalid request, a run REFUSED (NOT_STEADY).
   */
  REFUSED(
      3, "the platform refused the command (problem shown), or the run (REFUSED, e.g. NOT_STEADY)"),
  /** {@code --timeout} passed before the run ended. */
  TIMEOUT(4, "run --wait: --timeout passed before the run ended"),
  /** Bad command line. */
  USAGE(64, "usage error: an unknown option, a missing or malformed value"),
  /** A fault request (file or flags) breaks the contract. */
  INVALID_DATA(65, "publish: the request breaks the contract (each field and rule shown)"),
  /** The scheduler or Kafka could not be reached, or answered 5xx/429. */
  UNAVAILABLE(69, "the platform is unreachable or unavailable (connection, 5xx, 429, Kafka)"),
  /** A bug or an answer the CLI does not understand. */
  SOFTWARE(70, "internal error, or an answer the CLI cannot read"),
  /** No credentials, or the platform refused them (401/403), or the token endpoint did. */
  NOT_PERMITTED(77, "no credentials, or they were refused (401, 403, token endpoint)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** The code an HTTP error status of the platform maps to. */
  public static ExitCode forStatus(int status) {
    if (status == 401 || status == 403) {
      return NOT_PERMITTED;
    }
    if (status == 429 || status >= 500) {
      return UNAVAILABLE;
    }
    return REFUSED;
  }
}
