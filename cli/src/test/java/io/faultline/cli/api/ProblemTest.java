package io.faultline.cli.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemTest {
  @Test
  void describesAProblemWithItsFieldErrors() {
    Problem problem =
        Problem.of(
            400,
            "{\"type\":\"https://faultline.io/problems/invalid-request\",\"title\":\"Invalid"
                + " request\",\"status\":400,\"detail\":\"2 fields are invalid\",\"errors\":["
                + "{\"field\":\"parameters.PROCESS_IDS\",\"rule\":\"pattern\",\"message\":\"must be"
                + " PIDs\"},{\"field\":\"targets\",\"rule\":\"required\",\"message\":\"at least"
                + " one\"}]}");
    assertThat(problem.describe())
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "400 Invalid request: 2 fields are invalid",
                "  parameters.PROCESS_IDS [pattern] must be PIDs",
                "  targets [required] at least one"));
  }

  @Test
  void aBodyThatIsNotProblemJsonIsShownAsABoundedExcerpt() {
    Problem problem = Problem.of(502, "<html>" + "x".repeat(1000) + "</html>");
    assertThat(problem.describe()).startsWith("502: <html>xxx").endsWith("…");
    assertThat(problem.describe().length()).isLessThan(320);
    assertThat(Problem.of(500, "").describe()).isEqualTo("500");
  }
}
