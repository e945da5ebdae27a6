package io.faultline.policy.admission;

import io.faultline.events.signing.PemKeys;
import io.faultline.policy.authentication.RequestAuthentication;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The policy service's configuration ({@code faultline.policy.*}), validated at start: a value
 * outside its rule stops the service with the property's name and the rule.
 *
 * @param applicationId the Kafka Streams application id (consumer group, internal topic prefix)
 * @param platformMaxActiveFaults the platform-wide maximum of active faults (at least 1)
 * @param leaseGrace how long a lease outlives the last executor heartbeat naming its fault
 * @param startDeadline how long an approved fault's lease lasts before its first heartbeat
 * @param leaseCheckInterval how often leases are checked for expiry
 * @param streamThreads intake's Kafka Streams threads per instance (at least 1; admission has one)
 * @param intakeCommitInterval how often intake commits its transaction: a request reaches admission
 *     only once it commits (latency), and each commit costs the broker a marker on every partition
 *     it wrote (CPU)
 * @param admissionCommitInterval how often admission commits its decisions, the same trade
 * @param stateDir where Kafka Streams keeps local state
 * @param replicationFactor of the internal topics (admission log, changelogs), and of the catalogue
 *     topics when {@code create-topics} is on (at least 1)
 * @param createTopics create the catalogue topics at start (local use)
 * @param signatures how fault requests are authenticated (ADR 0008)
 * @param startHalted admission partitions that start on empty stores count the platform as halted
 *     until a platform resume is read: set for the deploy that follows the upgrade's reset (README)
 */
@ConfigurationProperties("faultline.policy")
@Validated
public record PolicyServiceProperties(
    @NotBlank String applicationId,
    @Positive int platformMaxActiveFaults,
    @NotNull @DurationMin(millis = 1, message = "must be positive") Duration leaseGrace,
    @NotNull @DurationMin(millis = 1, message = "must be positive") Duration startDeadline,
    @NotNull @DurationMin(millis = 1, message = "must be positive") Duration leaseCheckInterval,
    @Positive int streamThreads,
    @NotNull @DurationMin(millis = 1, message = "must be at least 1ms")
        Duration intakeCommitInterval,
    @NotNull @DurationMin(millis = 1, message = "must be at least 1ms")
        Duration admissionCommitInterval,
    @NotBlank String stateDir,
    @Positive int replicationFactor,
    boolean createTopics,
    @Valid Signatures signatures,
    boolean startHalted) {

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
      Map<String, Path> platformKeys,
      String platformSource,
      @DurationMin(millis = 1, message = "must be positive") Duration maxAge,
      @DurationMin(millis = 1, message = "must be positive") Duration maxAhead) {
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
        .withStartDeadline(startDeadline)
        .withStartHalted(startHalted);
  }
}
