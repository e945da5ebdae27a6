package io.faultline.scheduler.schedules;

import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.web.NotFoundException;
import io.faultline.scheduler.web.Violations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Schedules of experiments. */
@Tag(name = "schedules")
@RestController
class ScheduleController {
  private static final String BASE = "/api/v1/tenants/{tenantId}/schedules";
  static final String ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

  private final CommandBus bus;
  private final StateQueries queries;
  private final Clock clock;

  ScheduleController(CommandBus bus, StateQueries queries, Clock clock) {
    this.bus = bus;
    this.queries = queries;
    this.clock = clock;
  }

  /**
   * A schedule: exactly one of {@code cron} (with {@code timeZone}, default UTC) and {@code at}.
   *
   * @param cron Spring cron with seconds ({@code 0 0 9 * * MON-FRI}) or five-field Unix cron
   * @param enabled default true
   * @param missedFirePolicy FIRE_ONCE (default) or SKIP
   */
  record ScheduleRequest(
      String experimentId,
      String cron,
      String timeZone,
      Instant at,
      Boolean enabled,
      Instant endAt,
      Integer maxRuns,
      String missedFirePolicy) {}

  @Operation(summary = "Create a schedule (the platform picks its id)")
  @PostMapping(BASE)
  ResponseEntity<Schedule> create(
      @PathVariable String tenantId, @RequestBody ScheduleRequest body) {
    String id = "sch" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Schedule saved = save(tenantId, id, body);
    return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenantId + "/schedules/" + id))
        .body(saved);
  }

  @Operation(summary = "Create or replace a schedule with a chosen id (idempotent)")
  @PutMapping(BASE + "/{scheduleId}")
  Schedule replace(
      @PathVariable String tenantId,
      @PathVariable String scheduleId,
      @RequestBody ScheduleRequest body) {
    Violations v = new Violations();
    v.text("scheduleId", scheduleId, ID_PATTERN, true);
    v.throwIfAny();
    return save(tenantId, scheduleId, body);
  }

  private Schedule save(String tenantId, String id, ScheduleRequest body) {
    Violations v = new Violations();
    Instant now = clock.instant();
    if (v.required("experimentId", body.experimentId())
        && queries
            .get(StoreNames.EXPERIMENTS, tenantId, body.experimentId(), Experiment.class)
            .isEmpty()) {
      v.add("experimentId", "exists", "no experiment " + body.experimentId());
    }
    boolean hasCron = body.cron() != null;
    if (hasCron == (body.at() != null)) {
      v.add("cron", "oneOf", "set exactly one of cron (recurring) and at (one-off)");
    }
    if (hasCron) {
      try {
        Schedule.parseCron(body.cron());
      } catch (IllegalArgumentException e) {
        v.add("cron", "cron", "not a valid cron expression: " + e.getMessage());
      }
    }
    if (body.timeZone() != null) {
      try {
        ZoneId.of(body.timeZone());
      } catch (DateTimeException e) {
        v.add("timeZone", "timeZone", "not an IANA time zone id, e.g. Europe/Berlin");
      }
    }
    if (body.at() != null && !body.at().isAfter(now)) {
      v.add("at", "future", "a one-off schedule must be in the future");
    }
    if (body.endAt() != null && !body.endAt().isAfter(now)) {
      v.add("endAt", "future", "endAt must be in the future");
    }
    if (body.maxRuns() != null && body.maxRuns() < 1) {
      v.add("maxRuns", "minimum", "maxRuns must be at least 1");
    }
    MissedFirePolicy policy = MissedFirePolicy.FIRE_ONCE;
    if (body.missedFirePolicy() != null) {
      try {
        policy = MissedFirePolicy.valueOf(body.missedFirePolicy());
      } catch (IllegalArgumentException e) {
        v.add(
            "missedFirePolicy",
            "enum",
            "must be one of " + Arrays.toString(MissedFirePolicy.values()));
      }
    }
    v.throwIfAny();
    Caller caller = Caller.current();
    String commandId = UUID.randomUUID().toString();
    Schedule schedule =
        new Schedule(
            tenantId,
            id,
            body.experimentId(),
            body.cron(),
            body.timeZone(),
            body.at(),
            body.enabled() == null || body.enabled(),
            body.endAt(),
            body.maxRuns(),
            policy,
            0,
            null,
            null,
            null,
            null,
            now,
            caller.actor(),
            commandId);
    bus.send(
        SchedulerCommand.of(commandId, CommandKind.PUT_SCHEDULE, tenantId, id, now, caller.actor())
            .withSchedule(schedule));
    return awaitCommand(tenantId, id, commandId);
  }

  private Schedule awaitCommand(String tenantId, String id, String commandId) {
    return queries
        .await(
            StoreNames.SCHEDULES,
            tenantId,
            id,
            Schedule.class,
            s -> s.isPresent() && commandId.equals(s.get().commandId()))
        .orElseThrow();
  }

  @Operation(summary = "List the tenant's schedules with their next fire times")
  @GetMapping(BASE)
  List<Schedule> list(@PathVariable String tenantId) {
    return queries.list(StoreNames.SCHEDULES, tenantId, Schedule.class).stream()
        .sorted(Comparator.comparing(Schedule::scheduleId))
        .toList();
  }

  @Operation(summary = "One schedule")
  @GetMapping(BASE + "/{scheduleId}")
  Schedule get(@PathVariable String tenantId, @PathVariable String scheduleId) {
    return find(tenantId, scheduleId);
  }

  @Operation(summary = "Enable a schedule; fires missed while disabled are not made up")
  @PostMapping(BASE + "/{scheduleId}/enable")
  Schedule enable(@PathVariable String tenantId, @PathVariable String scheduleId) {
    return toggle(tenantId, scheduleId, CommandKind.ENABLE_SCHEDULE);
  }

  @Operation(summary = "Disable a schedule")
  @PostMapping(BASE + "/{scheduleId}/disable")
  Schedule disable(@PathVariable String tenantId, @PathVariable String scheduleId) {
    return toggle(tenantId, scheduleId, CommandKind.DISABLE_SCHEDULE);
  }

  private Schedule toggle(String tenantId, String scheduleId, CommandKind kind) {
    find(tenantId, scheduleId);
    String commandId = UUID.randomUUID().toString();
    bus.send(
        SchedulerCommand.of(
            commandId, kind, tenantId, scheduleId, clock.instant(), Caller.current().actor()));
    return awaitCommand(tenantId, scheduleId, commandId);
  }

  @Operation(summary = "Delete a schedule")
  @DeleteMapping(BASE + "/{scheduleId}")
  ResponseEntity<Void> delete(@PathVariable String tenantId, @PathVariable String scheduleId) {
    find(tenantId, scheduleId);
    bus.send(
        SchedulerCommand.of(
            UUID.randomUUID().toString(),
            CommandKind.DELETE_SCHEDULE,
            tenantId,
            scheduleId,
            clock.instant(),
            Caller.current().actor()));
    queries.await(StoreNames.SCHEDULES, tenantId, scheduleId, Schedule.class, s -> s.isEmpty());
    return ResponseEntity.noContent().build();
  }

  private Schedule find(String tenantId, String scheduleId) {
    if (!scheduleId.matches(ID_PATTERN)) {
      throw new NotFoundException("no schedule " + scheduleId);
    }
    return queries
        .get(StoreNames.SCHEDULES, tenantId, scheduleId, Schedule.class)
        .orElseThrow(() -> new NotFoundException("no schedule " + scheduleId));
  }
}
