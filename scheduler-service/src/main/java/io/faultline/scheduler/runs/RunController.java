package io.faultline.scheduler.runs;

import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.RunId;
import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.TimelineEntry;
import io.faultline.scheduler.web.Durations;
import io.faultline.scheduler.web.InvalidRequestException;
import io.faultline.scheduler.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Runs, their timelines, and aborts. */
@Tag(name = "runs")
@RestController
class RunController {
  private static final String BASE = "/api/v1/tenants/{tenantId}";

  private final CommandBus bus;
  private final StateQueries queries;
  private final Clock clock;
  private final SchedulerProperties.Bounds bounds;

  RunController(CommandBus bus, StateQueries queries, Clock clock, SchedulerProperties properties) {
    this.bus = bus;
    this.queries = queries;
    this.clock = clock;
    this.bounds = properties.bounds();
  }

  /** An optional reason for an abort, shown in the timeline and the control event. */
  record AbortRequest(String reason) {}

  @Operation(summary = "The tenant's runs, newest first (without timelines)")
  @GetMapping(BASE + "/runs")
  List<Run> list(@PathVariable String tenantId) {
    return queries.list(StoreNames.RUNS, tenantId, Run.class).stream()
        .sorted(Comparator.comparing(Run::startedAt).reversed())
        .map(Run::summary)
        .toList();
  }

  @Operation(
      summary = "One run: its waves, its faults and their ordered lifecycle events (timeline)",
      description =
          "Ended runs are deleted with their timelines 30 days after they ended, or once the"
              + " tenant has more than 1,000 ended runs (defaults); then this is 404.")
  @GetMapping(BASE + "/runs/{runId}")
  Run get(@PathVariable String tenantId, @PathVariable String runId) {
    Run run = find(tenantId, runId);
    List<TimelineEntry> timeline =
        queries.list(StoreNames.TIMELINES, tenantId, runId + "/", TimelineEntry.class);
    return run.with(
        run.status(),
        run.currentWave(),
        run.waves(),
        run.faults(),
        timeline,
        run.stopReason(),
        run.endedAt());
  }

  @Operation(
      summary = "Abort a run",
      description =
          "No further wave starts, and an ABORT_RUN control asks the executors to abort its"
              + " running faults.")
  @PostMapping(BASE + "/runs/{runId}/abort")
  ResponseEntity<Void> abortRun(
      @PathVariable String tenantId,
      @PathVariable String runId,
      @RequestBody(required = false) AbortRequest body) {
    find(tenantId, runId);
    bus.send(
        SchedulerCommand.of(
                UUID.randomUUID().toString(),
                CommandKind.ABORT_RUN,
                tenantId,
                runId,
                clock.instant(),
                Caller.current().actor())
            .withReason(reason(body)));
    return ResponseEntity.accepted().build();
  }

  @Operation(
      summary = "Abort one fault (an ABORT_FAULT control to the executors)",
      description =
          "The control stays on the compacted controls topic until the fault has ended (or for"
              + " 8 days when its end is never seen), then it is tombstoned.")
  @PostMapping(BASE + "/faults/{faultId}/abort")
  ResponseEntity<Void> abortFault(
      @PathVariable String tenantId,
      @PathVariable String faultId,
      @RequestBody(required = false) AbortRequest body) {
    if (!faultId.matches(FaultId.PATTERN)) {
      throw new InvalidRequestException("faultId", "pattern", "must match " + FaultId.PATTERN);
    }
    // Through the engine, which publishes the control and tombstones it once the fault ended.
    bus.send(
        SchedulerCommand.of(
                UUID.randomUUID().toString(),
                CommandKind.ABORT_FAULT,
                tenantId,
                faultId,
                clock.instant(),
                Caller.current().actor())
            .withReason(reason(body)));
    return ResponseEntity.accepted().build();
  }

  private static String reason(AbortRequest body) {
    if (body == null || body.reason() == null) {
      return null;
    }
    if (body.reason().length() > 500) {
      throw new InvalidRequestException("reason", "maxLength", "at most 500 characters");
    }
    return body.reason();
  }

  private Run find(String tenantId, String runId) {
    if (!runId.matches(RunId.PATTERN)) {
      throw new NotFoundException("no run " + runId);
    }
    // A run the engine deleted looks like one that never was; say why it may be gone.
    return queries
        .get(StoreNames.RUNS, tenantId, runId, Run.class)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "no run "
                        + runId
                        + " (ended runs are kept for "
                        + Durations.text(bounds.runRetention())
                        + ", at most the newest "
                        + bounds.retainedRunsPerTenant()
                        + " of a tenant)"));
  }
}
