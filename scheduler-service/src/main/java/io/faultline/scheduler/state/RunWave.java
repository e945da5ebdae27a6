package io.faultline.scheduler.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One wave of a run: its effective (canonical) tunables, its faults and where it is.
 *
 * @param bakeSeconds how long the run's probes must hold after the wave's faults completed before
 *     the run moves on (0: no bake)
 */
public record RunWave(
    int index,
    String name,
    boolean dryRun,
    Map<String, String> parameters,
    List<String> faultIds,
    WaveStatus status,
    Instant startedAt,
    Instant endedAt,
    int bakeSeconds) {
  public RunWave {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    faultIds = faultIds == null ? List.of() : List.copyOf(faultIds);
  }

  public RunWave with(WaveStatus value, Instant started, Instant ended) {
    return new RunWave(
        index, name, dryRun, parameters, faultIds, value, started, ended, bakeSeconds);
  }
}
