package io.faultline.scheduler.engine;

import io.faultline.scheduler.state.SchedulerTopics;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The scheduler's configuration ({@code faultline.scheduler.*}).
 *
 * @param applicationId the Kafka Streams application id, shared by every instance
 * @param advertisedHost how other instances reach this one's HTTP port (routed reads)
 * @param stateDir Kafka Streams state directory; empty for a fresh temporary directory
 * @param tick how often due schedules are looked for
 * @param misfireThreshold a fire later than this counts as missed (see MissedFirePolicy)
 * @param inMemoryStores keep stores in memory instead of RocksDB
 * @param hubRoleArn the role Faultline's executors run as; the principal of every trust policy
 * @param createTopics create missing topics at start (partition counts from the catalogue)
 * @param applyTimeout how long a write waits until its change is visible to reads
 * @param sseTimeout how long a Server-Sent Events stream stays open
 * @param commandsTopic the scheduler's commands topic; one per deployment (application id)
 * @param externalIdOverlap after an external-id rotation, how long the previous id stays valid
 *     (listed in the trust policy, executor fallback) before it is dropped
 * @param signing the platform key the scheduler signs its fault requests with (ADR 0008)
 */
@ConfigurationProperties("faultline.scheduler")
public record SchedulerProperties(
    String applicationId,
    String advertisedHost,
    String stateDir,
    Duration tick,
    Duration misfireThreshold,
    boolean inMemoryStores,
    String hubRoleArn,
    boolean createTopics,
    Duration applyTimeout,
    Duration sseTimeout,
    String commandsTopic,
    Duration externalIdOverlap,
    Signing signing) {
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
