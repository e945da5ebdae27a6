package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.lifecycle.ProcessOutcome;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.fault.CommandTransport.Invocation;
import io.faultline.executor.fault.Target;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TargetResultTest {
  private static final Target HOST = new Target("i-a", Target.EC2_INSTANCE, Map.of(), "");

  private static Invocation ok(String output) {
    return new Invocation(Invocation.Status.SUCCESS, output);
  }

  @Test
  void turnsPidLinesIntoProcessesAndKeepsTheOtherLinesAsDetail() {
    TargetResult result =
        TargetResult.of(
            ok(
                """
                FAULTLINE_RESULT match=absent outcome=not-found
                FAULTLINE_RESULT pid=4321 name=payment-worker signal=TERM outcome=killed
                FAULTLINE_RESULT pid=77 signal=TERM outcome=not-found
                FAULTLINE_RESULT pid=88 name=sshd signal=TERM outcome=refused reason=protected
                FAULTLINE_RESULT action=inject outcome=ok fault_id=f-1
                """));

    assertThat(result.processes())
        .containsExactly(
            new ProcessOutcome(4321, "payment-worker", "TERM", "killed", null),
            new ProcessOutcome(77, null, "TERM", "not-found", null),
            new ProcessOutcome(88, "sshd", "TERM", "refused", "protected"));
    assertThat(result.detail())
        .isEqualTo("match=absent outcome=not-found; action=inject outcome=ok fault_id=f-1");
  }

  @Test
  void keepsAllFiftyPidsAndNeverMoreThanTheContractAllows() {
    String lines =
        IntStream.rangeClosed(1000, 1060)
            .mapToObj(pid -> "FAULTLINE_RESULT pid=" + pid + " signal=KILL outcome=killed")
            .collect(Collectors.joining("\n"));

    TargetResult result = TargetResult.of(ok(lines));

    assertThat(result.processes()).hasSize(TargetOutcome.MAX_PROCESSES);
    assertThat(result.processes().getFirst().pid()).isEqualTo(1000);
    assertThat(result.processes().getLast().pid()).isEqualTo(1049);
    assertThat(result.detail()).isNull();
  }

  @Test
  void leavesALineBreakingTheContractInTheDetail() {
    TargetResult result =
        TargetResult.of(ok("FAULTLINE_RESULT pid=12 signal=HUP outcome=killed\n"));

    assertThat(result.processes()).isEmpty();
    assertThat(result.detail()).isEqualTo("pid=12 signal=HUP outcome=killed");
  }

  @Test
  void cutsTheDetailBesideProcessesShorterThanAnyOther() {
    String noise = "FAULTLINE_RESULT note=" + "x".repeat(2_000);
    TargetResult plain = TargetResult.of(ok(noise));
    TargetResult beside =
        TargetResult.of(ok(noise + "\nFAULTLINE_RESULT pid=5 signal=KILL outcome=killed"));

    assertThat(plain.detail()).hasSize(LifecycleWriter.MAX_DETAIL);
    assertThat(beside.detail()).hasSize(TargetResult.MAX_DETAIL_WITH_PROCESSES);
  }

  @Test
  void aRollbackWithoutProcessesKeepsWhatTheInjectDidToThem() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(
        List.of(HOST),
        List.of(new TargetOutcome("i-a", Target.EC2_INSTANCE, TargetStatus.RESOLVED, null, null)));
    List<ProcessOutcome> killed = List.of(new ProcessOutcome(9, "sleep", "KILL", "killed", null));

    ledger.record(HOST, TargetStatus.INJECTED, "cmd-1", "action=inject outcome=ok", killed);
    ledger.record(HOST, TargetStatus.ROLLED_BACK, "cmd-2", "action=rollback outcome=ok");

    assertThat(ledger.outcomes())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(TargetStatus.ROLLED_BACK);
              assertThat(o.ssmCommandId()).isEqualTo("cmd-2");
              assertThat(o.processes()).isEqualTo(killed);
            });
  }
}
