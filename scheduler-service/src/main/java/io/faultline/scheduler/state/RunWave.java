package io.faultline.scheduler.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One wave of a run: its effective (canonical) tunables, its faults and where it is. */
public record RunWave(
    int index,
    String name,
    boolean dryRun,
    Map<String, String> parameters,
    List<String> faultIds,
    WaveStatus status,
    Instant startedAt,
    Instant endedAt) {
  public RunWave {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    faultIds = faultIds == null ? List.of() : List.copyOf(faultIds);
  }

  public RunWave with(WaveStatus value, Instant started, Instant ended) {
    return new RunWave(index, name, dryRun, parameters, faultIds, value, started, ended);
  }
}
