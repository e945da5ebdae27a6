package io.faultline.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.cli.ExitCode;
import java.util.Locale;
import java.util.Set;

/**
 * How an ended run maps to an exit code. The run's {@code verdict} decides (HYPOTHESIS_HELD 0,
 * HYPOTHESIS_REFUTED 1, INCONCLUSIVE 2); a run that ended without a verdict is INCONCLUSIVE, and
 * says so; a run refused before its first wave (status {@code REFUSED}: its steady state did not
 * hold, {@code NOT_STEADY}, or a probe's account is gone) is refused (3) whatever else it carries.
 *
 * @param verdict the platform's verdict, or null when the run ended without one
 */
public record RunOutcome(ExitCode exitCode, String status, String verdict, String message) {
  private static final String REFUSED = "REFUSED";
  private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "ABORTED", REFUSED);
  static final String NOT_STEADY = "NOT_STEADY";

  /** Whether the run (the scheduler's run JSON) has ended. */
  public static boolean ended(JsonNode run) {
    return hasText(run, "endedAt")
        || hasText(run, "verdict")
        || ENDED.contains(run.path("status").asText(""));
  }

  /**
   * Whether an ended run's verdict may still come or change: it has none yet, or it ended ABORTED
   * INCONCLUSIVE, which a stop-condition breach arriving after the aborted faults corrects to
   * HYPOTHESIS_REFUTED (the scheduler's latest VERDICT is the run's verdict).
   */
  public static boolean unsettled(JsonNode run) {
    if (!ended(run)) {
      return false;
    }
    if (!hasText(run, "verdict")) {
      return true;
    }
    return run.path("status").asText("").equals("ABORTED")
        && run.path("verdict").asText().equals("INCONCLUSIVE");
  }

  /** The outcome of an ended run. */
  public static RunOutcome of(JsonNode run) {
    String runId = run.path("runId").asText("?");
    String status = run.path("status").asText("UNKNOWN");
    String stopReason = run.path("stopReason").asText("");
    String verdict = hasText(run, "verdict") ? run.path("verdict").asText() : null;
    String verdictReason = run.path("verdictReason").asText("");
    String why = stopReason.isEmpty() ? "" : " (" + stopReason + ")";
    if (status.equals(REFUSED)
        || status.equals(NOT_STEADY)
        || stopReason.toUpperCase(Locale.ROOT).startsWith(NOT_STEADY)) {
      // Refused before any fault was requested (NOT_STEADY, PROBE_ACCOUNT): nothing was tested.
      return new RunOutcome(
          ExitCode.REFUSED,
          status,
          verdict,
          "run " + runId + " was refused before its first wave" + why);
    }
    if (verdict == null) {
      return new RunOutcome(
          ExitCode.INCONCLUSIVE,
          status,
          null,
          "run "
              + runId
              + " ended "
              + status
              + why
              + " without a verdict: treated as INCONCLUSIVE");
    }
    ExitCode code =
        switch (verdict) {
          case "HYPOTHESIS_HELD" -> ExitCode.OK;
          case "HYPOTHESIS_REFUTED" -> ExitCode.REFUTED;
          case "INCONCLUSIVE" -> ExitCode.INCONCLUSIVE;
          default -> null;
        };
    if (code == null) {
      return new RunOutcome(
          ExitCode.INCONCLUSIVE,
          status,
          verdict,
          "run "
              + runId
              + " ended "
              + status
              + why
              + " with a verdict this CLI does not know ("
              + verdict
              + "): treated as INCONCLUSIVE");
    }
    return new RunOutcome(
        code,
        status,
        verdict,
        "run "
            + runId
            + " ended "
            + status
            + why
            + ": verdict "
            + verdict
            + (verdictReason.isEmpty() ? "" : " (" + verdictReason + ")"));
  }

  private static boolean hasText(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank();
  }
}
