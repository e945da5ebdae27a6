package io.faultline.policy.admission;

import io.faultline.events.signing.PemKeys;
import io.faultline.policy.authentication.RequestAuthentication;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The policy service's configuration ({@code faultline.policy.*}).
 *
 * @param applicationId the Kafka Streams application id (consumer group, internal topic prefix)
 * @param platformMaxActiveFaults the platform-wide maximum of active faults
 * @param leaseGrace how long a lease outlives the last executor heartbeat naming its fault
 * @param startDeadline how long an approved fault's lease lasts before its first heartbeat
 * @param leaseCheckInterval how often leases are checked for expiry
 * @param streamThreads Kafka Streams threads per instance
 * @param stateDir where Kafka Streams keeps local state
 * @param replicationFactor of the internal topics (admission log, changelogs)
 * @param createTopics create the catalogue topics at start (local use)
 * @param signatures how fault requests are authenticated (ADR 0008)
 */
@ConfigurationProperties("faultline.policy")
public record PolicyServiceProperties(
    String applicationId,
    int platformMaxActiveFaults,
    Duration leaseGrace,
    Duration startDeadline,
    Duration leaseCheckInterval,
    int streamThreads,
    String stateDir,
    int replicationFactor,
    boolean createTopics,
    Signatures signatures) {

  public PolicyServiceProperties {
    signatures = signatures == null ? new Signatures(null, null, null, null) : signatures;
  }

  /**
   * {@code faultline.policy.signatures.*}.
   *
   * @param platformKeys the scheduler's public keys (PEM files, {@code BEGIN PUBLIC KEY}) by key
   *     id; requests signed {@code kid: platform:<key id>} are checked against them
   * @param platformSource the CloudEvents source the platform keys may sign for (default {@code
   *     /faultline/scheduler-service})
   * @param maxAge how long before its append time a signed request's time may be (default 5 min)
   * @param maxAhead how far after its append time it may be (default 30 s)
   */
  public record Signatures(
      Map<String, Path> platformKeys, String platformSource, Duration maxAge, Duration maxAhead) {
    RequestAuthentication.Settings settings() {
      RequestAuthentication.Settings defaults = RequestAuthentication.Settings.defaults();
      Map<String, RSAPublicKey> keys = new TreeMap<>();
      if (platformKeys != null) {
        platformKeys.forEach((id, file) -> keys.put(id, PemKeys.publicKey(file)));
      }
      return new RequestAuthentication.Settings(
          keys,
          platformSource == null ? defaults.platformSource() : platformSource,
          maxAge == null ? defaults.maxAge() : maxAge,
          maxAhead == null ? defaults.maxAhead() : maxAhead);
    }
  }

  public AdmissionSettings admission() {
    return new AdmissionSettings(platformMaxActiveFaults, leaseGrace, leaseCheckInterval)
        .withSignatures(signatures.settings())
        .withStartDeadline(startDeadline);
  }
}
