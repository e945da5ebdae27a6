package io.faultline.policy.admission;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The policy service's configuration ({@code faultline.policy.*}).
 *
 * @param applicationId the Kafka Streams application id (consumer group, internal topic prefix)
 * @param platformMaxActiveFaults the platform-wide maximum of active faults
 * @param leaseGrace added to ramps + hold before a silent fault's lease expires
 * @param leaseCheckInterval how often leases are checked for expiry
 * @param streamThreads Kafka Streams threads per instance
 * @param stateDir where Kafka Streams keeps local state
 * @param replicationFactor of the internal topics (admission log, changelogs)
 * @param createTopics create the catalogue topics at start (local use)
 */
@ConfigurationProperties("faultline.policy")
public record PolicyServiceProperties(
    String applicationId,
    int platformMaxActiveFaults,
    Duration leaseGrace,
    Duration leaseCheckInterval,
    int streamThreads,
    String stateDir,
    int replicationFactor,
    boolean createTopics) {

  public AdmissionSettings admission() {
    return new AdmissionSettings(platformMaxActiveFaults, leaseGrace, leaseCheckInterval);
  }
}
