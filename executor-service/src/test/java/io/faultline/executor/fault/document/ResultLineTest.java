package io.faultline.executor.fault.document;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultLineTest {
  private static final String OUTPUT =
      """
      some log line
      FAULTLINE_RESULT pid=1234 signal=KILL outcome=killed
      noise FAULTLINE_RESULT pid=9 outcome=forged
      FAULTLINE_RESULT pid=5678 signal=KILL outcome=not-found BAD-KEY=x bare
      stderr: kill: (42) - No such process
      FAULTLINE_RESULT action=inject outcome=ok fault_id=f-1
      """;

  @Test
  void parsesResultLinesAndIgnoresEverythingElse() {
    var lines = ResultLine.parseAll(OUTPUT);

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).fields())
        .containsExactly(
            java.util.Map.entry("pid", "1234"),
            java.util.Map.entry("signal", "KILL"),
            java.util.Map.entry("outcome", "killed"));
    assertThat(lines.get(1).fields()).containsOnlyKeys("pid", "signal", "outcome");
    assertThat(lines.get(1).outcome()).isEqualTo("not-found");
  }

  @Test
  void findsTheSummaryByItsActionKey() {
    assertThat(ResultLine.summary(OUTPUT))
        .hasValueSatisfying(
            s -> {
              assertThat(s.get("action")).hasValue("inject");
              assertThat(s.outcome()).isEqualTo("ok");
            });
    assertThat(ResultLine.summary("FAULTLINE_RESULT pid=1 outcome=killed\n")).isEmpty();
  }
}
