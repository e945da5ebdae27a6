package io.faultline.scheduler.engine;

import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.Verdict;
import io.faultline.events.probe.WatchPhase;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunReading;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.web.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The time limit of a watch the scheduler waits on (steady state, bake, final check): when no probe
 * reading of that phase has arrived for the limit — since the watch revision was written or since
 * its newest reading — no executor is evaluating it, and the run ends instead of waiting forever.
 * Pure, like {@link RunGates}: the engine checks its running runs every {@link #CHECK_EVERY}.
 *
 * <p>A running wave ({@code RUNNING}) has no limit here: the run waits on its faults, and a stop
 * condition that cannot be read is the executors' to act on (ADR 0010).
 */
final class WatchTimeouts {
  /** How often the engine looks for unanswered watches. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(5);

  /** The default limit: this many of the watch's longest probe interval … */
  static final int DEFAULT_INTERVALS = 3;

  /** … plus this margin. */
  static final Duration DEFAULT_MARGIN = Duration.ofSeconds(30);

  private WatchTimeouts() {}

  /**
   * The run ended for want of readings, or empty while it may still wait.
   *
   * @param configured {@code faultline.scheduler.probes.reading-timeout}; null: {@link
   *     #limitOf(RunWatch)}
   */
  static Optional<RunGates.Next> unanswered(Run run, Duration configured, Instant now) {
    RunWatch watch = run.watch();
    if (run.status() != RunStatus.RUNNING || watch == null || watch.phase() == WatchPhase.RUNNING) {
      return Optional.empty();
    }
    Duration limit = configured != null ? configured : limitOf(watch);
    Instant lastSign =
        run.readings().stream()
            .filter(r -> r.phase() == watch.phase() && r.wave() != null && r.wave() == watch.wave())
            .map(RunReading::at)
            .filter(at -> at != null && at.isAfter(watch.updatedAt()))
            .max(Instant::compareTo)
            .orElse(watch.updatedAt());
    if (!now.isAfter(lastSign.plus(limit))) {
      return Optional.empty();
    }
    String silence =
        "no probe reading arrived within "
            + Durations.text(limit)
            + " (is any executor evaluating run watches?)";
    return Optional.of(
        switch (watch.phase()) {
          case STEADY_STATE -> {
            String why = "NOT_STEADY: steady state unanswered: " + silence;
            yield new RunGates.Ended(
                RunGates.end(
                    run, RunStatus.REFUSED, why, now, Verdict.INCONCLUSIVE, RunGates.refused(why)));
          }
          case BAKING -> {
            RunWave wave = run.waves().get(watch.wave());
            String why =
                "BAKE_UNANSWERED: wave "
                    + (wave.index() + 1)
                    + " ("
                    + wave.name()
                    + ") could not be promoted: "
                    + silence;
            yield new RunGates.Ended(
                RunGates.failWave(
                    RunGates.end(
                        run,
                        RunStatus.FAILED,
                        why,
                        now,
                        Verdict.INCONCLUSIVE,
                        "the bake after wave "
                            + (wave.index() + 1)
                            + " was unanswered: "
                            + silence),
                    wave.index()));
          }
          default ->
              new RunGates.Ended(
                  RunGates.end(
                      run,
                      RunStatus.COMPLETED,
                      null,
                      now,
                      Verdict.INCONCLUSIVE,
                      "the final check was unanswered: " + silence));
        });
  }

  /** The default limit of a watch: 3 × its longest probe interval + 30 s. */
  static Duration limitOf(RunWatch watch) {
    int longest =
        Stream.concat(watch.steadyState().stream(), watch.stopConditions().stream())
            .mapToInt(ProbeDefinition::intervalSeconds)
            .max()
            .orElse(0);
    return Duration.ofSeconds((long) DEFAULT_INTERVALS * longest).plus(DEFAULT_MARGIN);
  }
}
