package io.faultline.scheduler.experiments;

import io.faultline.events.ids.ExperimentId;
import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.TenantState;
import io.faultline.scheduler.web.NotFoundException;
import io.faultline.scheduler.web.Violations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Experiments (templates) and "run now". */
@Tag(name = "experiments")
@RestController
class ExperimentController {
  private static final String BASE = "/api/v1/tenants/{tenantId}/experiments";

  private final CommandBus bus;
  private final StateQueries queries;
  private final Clock clock;

  ExperimentController(CommandBus bus, StateQueries queries, Clock clock) {
    this.bus = bus;
    this.queries = queries;
    this.clock = clock;
  }

  @Operation(summary = "Create an experiment (the platform picks its id)")
  @PostMapping(BASE)
  ResponseEntity<Experiment> create(
      @PathVariable String tenantId, @RequestBody ExperimentRequest body) {
    String id = "exp-" + UUID.randomUUID().toString().substring(0, 13);
    Experiment saved = save(tenantId, id, body);
    return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenantId + "/experiments/" + id))
        .body(saved);
  }

  @Operation(summary = "Create or replace an experiment with a chosen id (idempotent)")
  @PutMapping(BASE + "/{experimentId}")
  Experiment replace(
      @PathVariable String tenantId,
      @PathVariable String experimentId,
      @RequestBody ExperimentRequest body) {
    Violations v = new Violations();
    v.text("experimentId", experimentId, "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", true);
    v.throwIfAny();
    return save(tenantId, experimentId, body);
  }

  private Experiment save(String tenantId, String id, ExperimentRequest body) {
    ExperimentRequest.Validated valid = body.validate(tenantId, () -> registeredAccounts(tenantId));
    Caller caller = Caller.current();
    String commandId = UUID.randomUUID().toString();
    Experiment experiment =
        new Experiment(
            tenantId,
            id,
            body.name(),
            body.faultType(),
            valid.parameters(),
            body.hypothesis(),
            valid.steadyState(),
            valid.stopConditions(),
            valid.targets(),
            valid.waves(),
            valid.bakeSeconds(),
            clock.instant(),
            caller.actor(),
            commandId);
    bus.send(
        SchedulerCommand.of(
                commandId,
                CommandKind.PUT_EXPERIMENT,
                tenantId,
                id,
                clock.instant(),
                caller.actor())
            .withExperiment(experiment));
    return queries
        .await(
            StoreNames.EXPERIMENTS,
            tenantId,
            id,
            Experiment.class,
            e -> e.isPresent() && commandId.equals(e.get().commandId()))
        .orElseThrow();
  }

  /**
   * The accounts registered to the tenant: the only ones its CloudWatch probes may read. Read like
   * a write's confirmation (retried while the tenant's state moves between instances).
   */
  private Set<String> registeredAccounts(String tenantId) {
    return queries
        .await(StoreNames.TENANTS, tenantId, null, TenantState.class, state -> true)
        .map(
            s ->
                s.accounts().stream()
                    .map(a -> a.accountId().value())
                    .collect(Collectors.toUnmodifiableSet()))
        .orElse(Set.of());
  }

  @Operation(summary = "List the tenant's experiments")
  @GetMapping(BASE)
  List<Experiment> list(@PathVariable String tenantId) {
    return queries.list(StoreNames.EXPERIMENTS, tenantId, Experiment.class).stream()
        .sorted(Comparator.comparing(Experiment::experimentId))
        .toList();
  }

  @Operation(summary = "One experiment")
  @GetMapping(BASE + "/{experimentId}")
  Experiment get(@PathVariable String tenantId, @PathVariable String experimentId) {
    return find(tenantId, experimentId);
  }

  @Operation(summary = "Delete an experiment (its schedules stop firing runs)")
  @DeleteMapping(BASE + "/{experimentId}")
  ResponseEntity<Void> delete(@PathVariable String tenantId, @PathVariable String experimentId) {
    find(tenantId, experimentId);
    bus.send(
        SchedulerCommand.of(
            UUID.randomUUID().toString(),
            CommandKind.DELETE_EXPERIMENT,
            tenantId,
            experimentId,
            clock.instant(),
            Caller.current().actor()));
    queries.await(
        StoreNames.EXPERIMENTS, tenantId, experimentId, Experiment.class, e -> e.isEmpty());
    return ResponseEntity.noContent().build();
  }

  /** The run started by "run now". */
  record RunStarted(String runId, String location) {}

  @Operation(
      summary = "Run now",
      description =
          "Starts a run of the experiment's waves at once; answers 202 with the run id. Follow"
              + " it at the run's location or on the tenant's event stream.")
  @PostMapping(BASE + "/{experimentId}/runs")
  ResponseEntity<RunStarted> runNow(
      @PathVariable String tenantId, @PathVariable String experimentId) {
    Experiment experiment = find(tenantId, experimentId);
    Caller caller = Caller.current();
    String runId = "run-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    bus.send(
        SchedulerCommand.of(
                UUID.randomUUID().toString(),
                CommandKind.START_RUN,
                tenantId,
                runId,
                clock.instant(),
                caller.actor())
            .withExperiment(experiment));
    String location = "/api/v1/tenants/" + tenantId + "/runs/" + runId;
    return ResponseEntity.accepted()
        .location(URI.create(location))
        .body(new RunStarted(runId, location));
  }

  private Experiment find(String tenantId, String experimentId) {
    if (!experimentId.matches(ExperimentId.PATTERN)) {
      throw new NotFoundException("no experiment " + experimentId);
    }
    return queries
        .get(StoreNames.EXPERIMENTS, tenantId, experimentId, Experiment.class)
        .orElseThrow(() -> new NotFoundException("no experiment " + experimentId));
  }
}
