package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.executor.TestFaults;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartDeadlineTest {
  private static final Instant DEADLINE = Instant.parse("2026-12-05T10:00:00Z");

  private static FaultApproved approvalDueBy(Instant deadline) {
    return TestFaults.withStartDeadline(
        TestFaults.approval(
            "f-deadline",
            "acme",
            "111111111111",
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
            false,
            ProtectedTargetGuard.none(),
            1),
        deadline);
  }

  @Test
  void startsAnApprovalReadUpToItsDeadline() {
    assertThat(StartDeadline.missed(approvalDueBy(DEADLINE), DEADLINE.minusSeconds(1))).isEmpty();
    assertThat(StartDeadline.missed(approvalDueBy(DEADLINE), DEADLINE)).isEmpty();
  }

  @Test
  void refusesAnApprovalReadAfterItsDeadlineNamingTheDeadlineAndTheTimeRead() {
    Instant read = DEADLINE.plusMillis(1);

    assertThat(StartDeadline.missed(approvalDueBy(DEADLINE), read))
        .hasValueSatisfying(
            detail ->
                assertThat(detail)
                    .contains("read at 2026-12-05T10:00:00.001Z")
                    .contains("start deadline 2026-12-05T10:00:00Z"));
  }
}
