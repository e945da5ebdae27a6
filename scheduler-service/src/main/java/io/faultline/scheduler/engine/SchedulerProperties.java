package io.faultline.scheduler.engine;

import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.SchedulerTopics;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The scheduler's configuration ({@code faultline.scheduler.*}), validated at start: Jakarta
 * constraints on the components, and the compact constructors' own checks (positive bounds, a
 * non-negative overlap) whose messages name the property and the value.
 *
 * @param applicationId the Kafka Streams application id, shared by every instance
 * @param advertisedHost how other instances reach this one's HTTP port (routed reads)
 * @param stateDir Kafka Streams state directory; empty for a fresh temporary directory
 * @param tick how often due schedules are looked for
 * @param misfireThreshold a fire later than this counts as missed (see MissedFirePolicy)
 * @param inMemoryStores keep stores in memory instead of RocksDB
 * @param hubRoleArn the role Faultline's executors run as ({@code
 *     arn:aws:iam::<account>:role/<name>}); the principal of every trust policy
 * @param createTopics create missing topics at start (partition counts from the catalogue)
 * @param applyTimeout how long a write waits until its change is visible to reads
 * @param sseTimeout how long a Server-Sent Events stream stays open
 * @param commandsTopic the scheduler's commands topic; one per deployment (application id)
 * @param externalIdOverlap after an external-id rotation, how long the previous id stays valid
 *     (listed in the trust policy, executor fallback) before it is dropped
 * @param signing the platform key the scheduler signs its fault requests with (ADR 0008)
 * @param sseHeartbeat how long an event stream may stay silent before it gets a comment line: keeps
 *     proxies from closing idle streams and finds clients that left, freeing their slot
 * @param bounds what one tenant, and the instance, may use (see {@link Bounds})
 * @param accountOwnersTopic the account-owner index (ADR 0007 §7); the catalogue's {@code
 *     faultline.account-owners.v1} unless a test isolates itself
 * @param probes how long the engine waits for the executors' probe readings (see {@link Probes})
 */
@ConfigurationProperties("faultline.scheduler")
@Validated
public record SchedulerProperties(
    @NotBlank String applicationId,
    @NotBlank String advertisedHost,
    String stateDir,
    @DurationMin(millis = 1, message = POSITIVE) Duration tick,
    @DurationMin(millis = 1, message = POSITIVE) Duration misfireThreshold,
    boolean inMemoryStores,
    @Pattern(
            regexp = "arn:aws[a-z-]*:iam::\\d{12}:role/.+",
            message = "must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>")
        String hubRoleArn,
    boolean createTopics,
    @DurationMin(millis = 1, message = POSITIVE) Duration applyTimeout,
    @DurationMin(millis = 1, message = POSITIVE) Duration sseTimeout,
    @NotBlank String commandsTopic,
    Duration externalIdOverlap,
    Signing signing,
    Duration sseHeartbeat,
    Bounds bounds,
    String accountOwnersTopic,
    Probes probes) {
  private static final String PREFIX = "faultline.scheduler.";
  static final String POSITIVE = "must be positive";

  public SchedulerProperties {
    applicationId = applicationId == null ? "faultline-scheduler" : applicationId;
    advertisedHost = advertisedHost == null ? "localhost" : advertisedHost;
    tick = tick == null ? Duration.ofSeconds(1) : tick;
    misfireThreshold = misfireThreshold == null ? Duration.ofMinutes(1) : misfireThreshold;
    applyTimeout = applyTimeout == null ? Duration.ofSeconds(10) : applyTimeout;
    sseTimeout = sseTimeout == null ? Duration.ofMinutes(30) : sseTimeout;
    commandsTopic = commandsTopic == null ? SchedulerTopics.COMMANDS : commandsTopic;
    externalIdOverlap = externalIdOverlap == null ? Duration.ofHours(24) : externalIdOverlap;
    if (externalIdOverlap.isNegative()) {
      throw new IllegalArgumentException("faultline.scheduler.external-id-overlap is negative");
    }
    signing = signing == null ? new Signing(null, null) : signing;
    sseHeartbeat = positive("sse-heartbeat", sseHeartbeat, Duration.ofSeconds(15));
    bounds = bounds == null ? Bounds.defaults() : bounds;
    accountOwnersTopic =
        accountOwnersTopic == null || accountOwnersTopic.isBlank()
            ? Topics.ACCOUNT_OWNERS.name()
            : accountOwnersTopic;
    probes = probes == null ? new Probes(null) : probes;
  }

  /**
   * {@code faultline.scheduler.probes.*}.
   *
   * @param readingTimeout how long a steady-state check, bake or final check may go without a probe
   *     reading before it counts as unanswered and the run ends; unset (the default): 3 × the
   *     watch's longest probe interval + 30 s; refused at start unless positive
   */
  public record Probes(Duration readingTimeout) {
    public Probes {
      readingTimeout = positive("probes.reading-timeout", readingTimeout, null);
    }
  }

  /**
   * The scheduler's bounds ({@code faultline.scheduler.bounds.*}); each is refused at start unless
   * positive, naming its property.
   *
   * @param minScheduleInterval a cron schedule whose fires come closer than this is refused (5m)
   * @param maxSchedulesPerTenant a tenant's schedules; one more is refused, a replacement is not
   *     (100)
   * @param runRetention an ended run is deleted with its timeline this long after it ended (30d)
   * @param retainedRunsPerTenant at most this many ended runs of a tenant are kept, the newest
   *     (1000)
   * @param runRetentionSweep how often the engine looks for runs to delete (10m)
   * @param sseConnectionsPerTenant open event streams of one tenant on one instance (20)
   * @param sseConnections open event streams on one instance (1000)
   * @param sseClientQueue events waiting to be sent to one client; a client that falls further
   *     behind is disconnected (1024)
   * @param abortRetention an abort whose fault or run is never seen to end here is tombstoned this
   *     long after it was issued (8d: past the requests topic's 7 days, so no fault it was meant
   *     for can still be requested and start)
   */
  public record Bounds(
      Duration minScheduleInterval,
      Integer maxSchedulesPerTenant,
      Duration runRetention,
      Integer retainedRunsPerTenant,
      Duration runRetentionSweep,
      Integer sseConnectionsPerTenant,
      Integer sseConnections,
      Integer sseClientQueue,
      Duration abortRetention) {
    public Bounds {
      minScheduleInterval =
          positive("bounds.min-schedule-interval", minScheduleInterval, Duration.ofMinutes(5));
      maxSchedulesPerTenant =
          positive("bounds.max-schedules-per-tenant", maxSchedulesPerTenant, 100);
      runRetention = positive("bounds.run-retention", runRetention, Duration.ofDays(30));
      retainedRunsPerTenant =
          positive("bounds.retained-runs-per-tenant", retainedRunsPerTenant, 1000);
      runRetentionSweep =
          positive("bounds.run-retention-sweep", runRetentionSweep, Duration.ofMinutes(10));
      sseConnectionsPerTenant =
          positive("bounds.sse-connections-per-tenant", sseConnectionsPerTenant, 20);
      sseConnections = positive("bounds.sse-connections", sseConnections, 1000);
      sseClientQueue = positive("bounds.sse-client-queue", sseClientQueue, 1024);
      abortRetention = positive("bounds.abort-retention", abortRetention, Duration.ofDays(8));
    }

    /** Every bound at its default. */
    public static Bounds defaults() {
      return new Bounds(null, null, null, null, null, null, null, null, null);
    }
  }

  private static Duration positive(String property, Duration value, Duration unset) {
    if (value == null) {
      return unset;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          PREFIX + property + " must be positive (was " + value + ")");
    }
    return value;
  }

  private static Integer positive(String property, Integer value, int unset) {
    if (value == null) {
      return unset;
    }
    if (value <= 0) {
      throw new IllegalArgumentException(
          PREFIX + property + " must be positive (was " + value + ")");
    }
    return value;
  }

  /**
   * The scheduler's platform key ({@code faultline.scheduler.signing.*}).
   *
   * @param privateKeyFile a PEM file holding the RSA private key in PKCS#8 ({@code BEGIN PRIVATE
   *     KEY}, what {@code openssl genpkey} writes); empty: requests are published unsigned
   * @param keyId the key's id: requests name it in the JWS {@code kid} as {@code platform:<keyId>},
   *     the policy service knows its public half by it (default {@code scheduler})
   */
  public record Signing(String privateKeyFile, String keyId) {
    public Signing {
      privateKeyFile = privateKeyFile == null || privateKeyFile.isBlank() ? null : privateKeyFile;
      keyId = keyId == null || keyId.isBlank() ? "scheduler" : keyId;
    }
  }
}
