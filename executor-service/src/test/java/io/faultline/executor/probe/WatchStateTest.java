package io.faultline.executor.probe;

import static io.faultline.events.probe.RunEventKind.BAKE_FAILED;
import static io.faultline.events.probe.RunEventKind.BAKE_HELD;
import static io.faultline.events.probe.RunEventKind.FINAL_STEADY_STATE_FAILED;
import static io.faultline.events.probe.RunEventKind.FINAL_STEADY_STATE_HELD;
import static io.faultline.events.probe.RunEventKind.PROBE_READING;
import static io.faultline.events.probe.RunEventKind.STEADY_STATE_FAILED;
import static io.faultline.events.probe.RunEventKind.STEADY_STATE_HELD;
import static io.faultline.events.probe.RunEventKind.STOP_CONDITION_BREACHED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.Fixtures;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.executor.probe.WatchedProbe.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchStateTest {
  private static final ProbeReading OK = ProbeReading.ofState(true, "OK");
  private static final ProbeReading ALARM = ProbeReading.ofState(false, "ALARM");

  private static final ProbeDefinition API = Fixtures.anHttpProbe("api-ok");
  private static final ProbeDefinition LATENCY = Fixtures.anAlarmProbe("latency", "p99");
  private static final ProbeDefinition ERRORS = Fixtures.anAlarmProbe("errors", "api-5xx");

  private static RunWatch watch(
      WatchPhase phase, List<ProbeDefinition> steady, List<ProbeDefinition> stops) {
    return new RunWatch(
        Fixtures.TENANT,
        RunId.of("run-1"),
        ExperimentId.of("exp-1"),
        steady,
        stops,
        phase,
        1,
        phase == WatchPhase.BAKING ? Fixtures.NOW.plusSeconds(60) : null,
        3,
        Fixtures.NOW);
  }

  private static WatchedProbe probe(WatchState state, String name, Role role) {
    return state.probes().stream()
        .filter(p -> p.name().equals(name) && p.role() == role)
        .findFirst()
        .orElseThrow();
  }

  private static List<RunEventKind> kinds(List<Outcome> outcomes) {
    return outcomes.stream().map(Outcome::kind).toList();
  }

  @Test
  void steadyStateHoldsOnceEveryProbePassedAndReadsNoProbeTwiceAfterItPassed() {
    WatchState state =
        new WatchState(watch(WatchPhase.STEADY_STATE, List.of(API, LATENCY), List.of(ERRORS)));
    WatchedProbe api = probe(state, "api-ok", Role.STEADY_STATE);
    WatchedProbe latency = probe(state, "latency", Role.STEADY_STATE);

    assertThat(state.probes()).extracting(WatchedProbe::role).containsOnly(Role.STEADY_STATE);
    assertThat(kinds(state.onReading(api, OK))).containsExactly(PROBE_READING);
    assertThat(state.done(api)).isTrue();
    assertThat(state.done(latency)).isFalse();
    assertThat(kinds(state.onReading(latency, OK)))
        .containsExactly(PROBE_READING, STEADY_STATE_HELD);
    assertThat(state.resultOut()).isTrue();
  }

  @Test
  void steadyStateFailsAtOnceWhenOneProbeFailsBeyondItsTolerance() {
    WatchState state =
        new WatchState(
            watch(WatchPhase.STEADY_STATE, List.of(API, LATENCY.withTolerance(1)), List.of()));
    WatchedProbe latency = probe(state, "latency", Role.STEADY_STATE);

    assertThat(kinds(state.onReading(latency, ALARM))).containsExactly(PROBE_READING);
    assertThat(state.done(latency)).isFalse();
    List<Outcome> second = state.onReading(latency, ALARM);

    assertThat(kinds(second)).containsExactly(PROBE_READING, STEADY_STATE_FAILED);
    assertThat(second.get(1).probe()).isEqualTo("latency");
    assertThat(second.get(1).reading().state()).isEqualTo("ALARM");
    assertThat(second.get(1).detail()).contains("2 consecutive readings", "tolerance 1");
    assertThat(state.done(probe(state, "api-ok", Role.STEADY_STATE))).isTrue();
  }

  @Test
  void aPassingReadingResetsTheToleranceCount() {
    WatchState state =
        new WatchState(watch(WatchPhase.RUNNING, List.of(), List.of(ERRORS.withTolerance(1))));
    WatchedProbe errors = probe(state, "errors", Role.STOP_CONDITION);

    state.onReading(errors, ALARM);
    state.onReading(errors, OK);
    assertThat(kinds(state.onReading(errors, ALARM))).containsExactly(PROBE_READING);
    assertThat(kinds(state.onReading(errors, ALARM)))
        .containsExactly(PROBE_READING, STOP_CONDITION_BREACHED);
  }

  @Test
  void runningReadsOnlyStopConditionsAndBreachesOncePerRevision() {
    WatchState state = new WatchState(watch(WatchPhase.RUNNING, List.of(API), List.of(ERRORS)));
    WatchedProbe errors = probe(state, "errors", Role.STOP_CONDITION);

    assertThat(state.probes()).containsExactly(errors);
    assertThat(state.start()).isEmpty();
    assertThat(kinds(state.onReading(errors, ALARM)))
        .containsExactly(PROBE_READING, STOP_CONDITION_BREACHED);
    assertThat(kinds(state.onReading(errors, ALARM))).containsExactly(PROBE_READING);
    assertThat(state.done(errors)).as("still read for the report").isFalse();
  }

  @Test
  void anUnreadableStopConditionBreachesLikeAFailingOne() {
    WatchState state = new WatchState(watch(WatchPhase.RUNNING, List.of(), List.of(ERRORS)));
    List<Outcome> out =
        state.onReading(probe(state, "errors", Role.STOP_CONDITION), ProbeReading.unreadable("x"));

    assertThat(kinds(out)).containsExactly(PROBE_READING, STOP_CONDITION_BREACHED);
  }

  @Test
  void bakingHoldsWhenTheBakeTimeEndsWithoutAFailure() {
    WatchState state = new WatchState(watch(WatchPhase.BAKING, List.of(API), List.of(ERRORS)));
    WatchedProbe api = probe(state, "api-ok", Role.STEADY_STATE);

    assertThat(state.probes()).hasSize(2);
    assertThat(kinds(state.onReading(api, OK))).containsExactly(PROBE_READING);
    assertThat(state.done(api)).as("read until the bake ends").isFalse();
    assertThat(kinds(state.onBakeEnd())).containsExactly(BAKE_HELD);
    assertThat(state.onBakeEnd()).isEmpty();
  }

  @Test
  void bakingFailsOnAFailedSteadyStateProbeOrABreach() {
    WatchState steady = new WatchState(watch(WatchPhase.BAKING, List.of(API), List.of(ERRORS)));
    assertThat(kinds(steady.onReading(probe(steady, "api-ok", Role.STEADY_STATE), ALARM)))
        .containsExactly(PROBE_READING, BAKE_FAILED);
    assertThat(steady.onBakeEnd()).isEmpty();

    WatchState breach = new WatchState(watch(WatchPhase.BAKING, List.of(API), List.of(ERRORS)));
    assertThat(kinds(breach.onReading(probe(breach, "errors", Role.STOP_CONDITION), ALARM)))
        .containsExactly(PROBE_READING, STOP_CONDITION_BREACHED, BAKE_FAILED);
  }

  @Test
  void finalCheckReportsFinalResults() {
    WatchState held = new WatchState(watch(WatchPhase.FINAL_CHECK, List.of(API), List.of(ERRORS)));
    assertThat(kinds(held.onReading(probe(held, "api-ok", Role.STEADY_STATE), OK)))
        .containsExactly(PROBE_READING, FINAL_STEADY_STATE_HELD);

    WatchState failed = new WatchState(watch(WatchPhase.FINAL_CHECK, List.of(API), List.of()));
    assertThat(kinds(failed.onReading(probe(failed, "api-ok", Role.STEADY_STATE), ALARM)))
        .containsExactly(PROBE_READING, FINAL_STEADY_STATE_FAILED);
  }

  @Test
  void aCheckWithoutSteadyStateProbesHoldsAtOnce() {
    WatchState state = new WatchState(watch(WatchPhase.STEADY_STATE, List.of(), List.of(ERRORS)));

    assertThat(state.probes()).isEmpty();
    assertThat(kinds(state.start())).containsExactly(STEADY_STATE_HELD);
  }
}
