package io.faultline.scheduler.state;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;

/**
 * When an experiment runs: a cron expression in an IANA time zone, or once at {@code at}. Optional
 * {@code endAt} and {@code maxRuns} bound it. {@code nextFireAt} is maintained by the engine: null
 * once the schedule is exhausted.
 *
 * @param cron Spring cron, six fields (seconds first); five-field Unix cron is accepted too
 * @param firedRuns how many runs it has started
 */
public record Schedule(
    String tenantId,
    String scheduleId,
    String experimentId,
    String cron,
    String timeZone,
    Instant at,
    boolean enabled,
    Instant endAt,
    Integer maxRuns,
    MissedFirePolicy missedFirePolicy,
    int firedRuns,
    Instant nextFireAt,
    Instant lastFireAt,
    String lastRunId,
    String lastError,
    Instant updatedAt,
    String updatedBy,
    String commandId) {

  public Schedule {
    missedFirePolicy = missedFirePolicy == null ? MissedFirePolicy.FIRE_ONCE : missedFirePolicy;
    timeZone = timeZone == null ? "UTC" : timeZone;
  }

  public String key() {
    return Keys.of(tenantId, scheduleId);
  }

  /** Parses a cron expression, accepting five-field Unix cron by adding a seconds field. */
  public static CronExpression parseCron(String cron) {
    String trimmed = cron.trim();
    String sixFields = trimmed.split("\\s+").length == 5 ? "0 " + trimmed : trimmed;
    return CronExpression.parse(sixFields);
  }

  /**
   * The two consecutive fires closest together among the first {@code fires} fires of a cron
   * expression after {@code from}; empty when it fires fewer than twice. Several fires are looked
   * at because a cron expression need not be regular ({@code 0,1 * * * *} fires one minute, then 59
   * minutes apart).
   */
  public static Optional<FireGap> shortestGap(
      String cron, String timeZone, Instant from, int fires) {
    CronExpression expression = parseCron(cron);
    ZonedDateTime previous =
        expression.next(from.atZone(ZoneId.of(timeZone == null ? "UTC" : timeZone)));
    FireGap shortest = null;
    for (int i = 1; previous != null && i < fires; i++) {
      ZonedDateTime next = expression.next(previous);
      if (next == null) {
        break;
      }
      FireGap gap = new FireGap(previous.toInstant(), next.toInstant());
      if (shortest == null || gap.length().compareTo(shortest.length()) < 0) {
        shortest = gap;
      }
      previous = next;
    }
    return Optional.ofNullable(shortest);
  }

  /** Two consecutive fire times. */
  public record FireGap(Instant first, Instant second) {
    public Duration length() {
      return Duration.between(first, second);
    }
  }

  /** The first fire time strictly after {@code instant}, ignoring bounds; empty for none. */
  public Optional<Instant> slotAfter(Instant instant) {
    if (cron == null) {
      return at != null && at.isAfter(instant) ? Optional.of(at) : Optional.empty();
    }
    ZonedDateTime next = parseCron(cron).next(instant.atZone(ZoneId.of(timeZone)));
    return Optional.ofNullable(next).map(ZonedDateTime::toInstant);
  }

  /** The next fire time after {@code instant} that respects {@code endAt} and {@code maxRuns}. */
  public Instant nextAfter(Instant instant, int runsSoFar) {
    if (maxRuns != null && runsSoFar >= maxRuns) {
      return null;
    }
    Instant next = slotAfter(instant).orElse(null);
    if (next != null && endAt != null && next.isAfter(endAt)) {
      return null;
    }
    return next;
  }

  /** The first fire time for a schedule created or enabled at {@code now}. */
  public Instant firstFireAt(Instant now) {
    if (cron == null) {
      if (at == null || (maxRuns != null && firedRuns >= maxRuns)) {
        return null;
      }
      return endAt != null && at.isAfter(endAt) ? null : at;
    }
    return nextAfter(now.minusNanos(1), firedRuns);
  }

  /**
   * Decides what to do at {@code now} when {@code nextFireAt} is due.
   *
   * @param misfireThreshold a fire later than this counts as missed
   * @return the fire time to run (empty: do not fire) and the schedule with its next fire time
   */
  public Tick tick(Instant now, Duration misfireThreshold) {
    if (!enabled || nextFireAt == null || nextFireAt.isAfter(now)) {
      return new Tick(Optional.empty(), this);
    }
    Instant due = nextFireAt;
    Optional<Instant> fire;
    if (!due.plus(misfireThreshold).isBefore(now)) {
      fire = Optional.of(due);
    } else if (missedFirePolicy == MissedFirePolicy.FIRE_ONCE) {
      fire = Optional.of(latestSlotAtOrBefore(due, now));
    } else {
      fire = Optional.empty();
    }
    int runs = firedRuns + (fire.isPresent() ? 1 : 0);
    Instant next = cron == null ? null : nextAfter(now, runs);
    Schedule updated =
        new Schedule(
            tenantId,
            scheduleId,
            experimentId,
            cron,
            timeZone,
            at,
            enabled,
            endAt,
            maxRuns,
            missedFirePolicy,
            runs,
            next,
            fire.orElse(lastFireAt),
            lastRunId,
            lastError,
            updatedAt,
            updatedBy,
            commandId);
    return new Tick(fire, updated);
  }

  private Instant latestSlotAtOrBefore(Instant due, Instant now) {
    Instant latest = due;
    // Bounded: a per-second cron missed for days would otherwise loop for a long time.
    for (int i = 0; i < 100_000; i++) {
      Optional<Instant> next = slotAfter(latest);
      if (next.isEmpty() || next.get().isAfter(now)) {
        return latest;
      }
      latest = next.get();
    }
    return latest;
  }

  public Schedule withRun(String runId, String error) {
    return new Schedule(
        tenantId,
        scheduleId,
        experimentId,
        cron,
        timeZone,
        at,
        enabled,
        endAt,
        maxRuns,
        missedFirePolicy,
        firedRuns,
        nextFireAt,
        lastFireAt,
        runId,
        error,
        updatedAt,
        updatedBy,
        commandId);
  }

  public Schedule withEnabled(boolean value, Instant now, String by, String command) {
    Schedule toggled =
        new Schedule(
            tenantId,
            scheduleId,
            experimentId,
            cron,
            timeZone,
            at,
            value,
            endAt,
            maxRuns,
            missedFirePolicy,
            firedRuns,
            null,
            lastFireAt,
            lastRunId,
            lastError,
            now,
            by,
            command);
    return toggled.withNextFireAt(value ? toggled.firstFireAt(now) : null);
  }

  public Schedule withNextFireAt(Instant next) {
    return new Schedule(
        tenantId,
        scheduleId,
        experimentId,
        cron,
        timeZone,
        at,
        enabled,
        endAt,
        maxRuns,
        missedFirePolicy,
        firedRuns,
        next,
        lastFireAt,
        lastRunId,
        lastError,
        updatedAt,
        updatedBy,
        commandId);
  }

  /** The outcome of {@link #tick}. */
  public record Tick(Optional<Instant> fireTime, Schedule schedule) {}
}
