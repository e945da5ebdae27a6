package io.faultline.scheduler.schedules;

import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.security.Caller;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.web.Durations;
import io.faultline.scheduler.web.LimitExceededException;
import io.faultline.scheduler.web.NotFoundException;
import io.faultline.scheduler.web.Violations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
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

  /**
   * How many fires of a cron expression the minimum interval is checked over: enough to see the
   * short gap of an irregular expression ({@code 0,1 * * * *}, {@code 0 0,59 9,10 * * *}).
   */
  static final int INTERVAL_SAMPLE = 100;

  private final CommandBus bus;
  private final StateQueries queries;
  private final Clock clock;
  private final SchedulerProperties.Bounds bounds;

  ScheduleController(
      CommandBus bus, StateQueries queries, Clock clock, SchedulerProperties properties) {
    this.bus = bus;
    this.queries = queries;
    this.clock = clock;
    this.bounds = properties.bounds();
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

  @Operation(
      summary = "Create a schedule (the platform picks its id)",
      description =
          "A cron schedule whose fires come closer than the minimum interval (default 5 min) is"
              + " refused: 400, field cron, rule minInterval. A tenant has at most 100 schedules"
              + " (default): one more is 409, rule maxSchedules.")
  @PostMapping(BASE)
  ResponseEntity<Schedule> create(
      @PathVariable String tenantId, @RequestBody ScheduleRequest body) {
    String id = "sch" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Schedule saved = save(tenantId, id, body);
    return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenantId + "/schedules/" + id))
        .body(saved);
  }

  @Operation(
      summary = "Create or replace a schedule with a chosen id (idempotent)",
      description =
          "As a create, but replacing one of the tenant's schedules is never refused for their"
              + " number (409 maxSchedules applies to a new id only).")
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
    boolean validCron = false;
    if (hasCron) {
      try {
        Schedule.parseCron(body.cron());
        validCron = true;
      } catch (IllegalArgumentException e) {
        v.add("cron", "cron", "not a valid cron expression: " + e.getMessage());
      }
    }
    boolean validZone = true;
    if (body.timeZone() != null) {
      try {
        ZoneId.of(body.timeZone());
      } catch (DateTimeException e) {
        validZone = false;
        v.add("timeZone", "timeZone", "not an IANA time zone id, e.g. Europe/Berlin");
      }
    }
    if (validCron && validZone) {
      checkInterval(body.cron(), body.timeZone(), now, v);
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
    checkCount(tenantId, id);
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

  /** Refuses a cron expression that fires more often than the minimum interval allows. */
  private void checkInterval(String cron, String timeZone, Instant now, Violations v) {
    Duration min = bounds.minScheduleInterval();
    Schedule.shortestGap(cron, timeZone, now, INTERVAL_SAMPLE)
        .filter(gap -> gap.length().compareTo(min) < 0)
        .ifPresent(
            gap ->
                v.add(
                    "cron",
                    "minInterval",
                    "fires "
                        + Durations.text(gap.length())
                        + " apart (at "
                        + gap.first()
                        + " and "
                        + gap.second()
                        + "); fires must be at least "
                        + Durations.text(min)
                        + " apart"));
  }

  /**
   * Refuses a tenant's schedule beyond the maximum; replacing one of its schedules always passes.
   * 409, as for a tenant's publisher keys: the request is valid but the tenant's state is at the
   * bound, and only removing a schedule lets it pass (429 would invite a retry that cannot help).
   * The count is read before the command is sent, so creates racing on several instances may pass
   * it by the number of racing requests.
   */
  private void checkCount(String tenantId, String id) {
    if (queries.get(StoreNames.SCHEDULES, tenantId, id, Schedule.class).isPresent()) {
      return;
    }
    int max = bounds.maxSchedulesPerTenant();
    int count = queries.list(StoreNames.SCHEDULES, tenantId, Schedule.class).size();
    if (count >= max) {
      throw LimitExceededException.atLimit(
          "$",
          "maxSchedules",
          max,
          "tenant "
              + tenantId
              + " has "
              + count
              + " schedules; at most "
              + max
              + " are allowed: delete one, or replace one with PUT");
    }
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
