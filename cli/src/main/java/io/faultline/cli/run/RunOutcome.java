package io.faultline.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.cli.ExitCode;
import java.util.Locale;
import java.util.Set;

/**
 * How an ended run maps to an exit code. The run's {@code verdict} decides (HYPOTHESIS_HELD 0,
 * HYPOTHESIS_REFUTED 1, INCONCLUSIVE 2); a run that ended without a verdict is INCONCLUSIVE, and
 * says so; a run refused before its first wave because its steady state did not hold ({@code
 * NOT_STEADY}) is refused (3) whatever else it carries.
 *
 * @param verdict the platform's verdict, or null when the run ended without one
 */
public record RunOutcome(ExitCode exitCode, String status, String verdict, String message) {
  private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "ABORTED", "REFUSED");
  static final String NOT_STEADY = "NOT_STEADY";

  /** Whether the run (the scheduler's run JSON) has ended. */
  public static boolean ended(JsonNode run) {
    return hasText(run, "endedAt")
        || hasText(run, "verdict")
        || ENDED.contains(run.path("status").asText(""));
  }

  /** Whether the run ended but carries no verdict (yet). */
  public static boolean withoutVerdict(JsonNode run) {
    return ended(run) && !hasText(run, "verdict");
  }

  /** The outcome of an ended run. */
  public static RunOutcome of(JsonNode run) {
    String runId = run.path("runId").asText("?");
    String status = run.path("status").asText("UNKNOWN");
    String stopReason = run.path("stopReason").asText("");
    String verdict = hasText(run, "verdict") ? run.path("verdict").asText() : null;
    String why = stopReason.isEmpty() ? "" : " (" + stopReason + ")";
    if (status.equals(NOT_STEADY) || stopReason.toUpperCase(Locale.ROOT).contains(NOT_STEADY)) {
      return new RunOutcome(
          ExitCode.REFUSED,
          status,
          verdict,
          "run "
              + runId
              + " was refused: its steady state did not hold before the first wave"
              + why);
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
        code, status, verdict, "run " + runId + " ended " + status + why + ": verdict " + verdict);
  }

  private static boolean hasText(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank();
  }
}
