package io.faultline.policy.admission;

import io.faultline.events.topics.Topics;
import io.faultline.policy.authentication.RequestAuthentication;
import io.faultline.policy.owners.AccountOwnerLookup;
import java.time.Duration;
import java.util.Objects;

/**
 * What the admission topology needs beyond the tenant policies.
 *
 * @param platformMaxActiveFaults the most faults active at once on the whole platform
 * @param leaseGrace how long a lease outlives the last heartbeat that named its fault, in heartbeat
 *     append time (ADR 0007)
 * @param leaseCheckInterval how often (wall-clock) leases are checked for expiry
 * @param topicPrefix prepended to every catalogue topic name; empty in production, a unique
 *     namespace per test so tests on one broker never read each other's records
 * @param signatures how requests are authenticated (ADR 0008): platform keys, ages
 * @param startDeadline how long after its approval a fault's lease lasts without any heartbeat (the
 *     approval's {@code leaseExpiresAt}: an executor must not start it later)
 * @param accountOwners the account-owner index (ADR 0007 §7); {@link AccountOwnerLookup#NONE}
 *     without one
 * @param admissionPartitions how many partitions the admission log has: as many as the requests
 *     topic, so a tenant's requests and its admission commands share a partition number; each holds
 *     a share of {@code platformMaxActiveFaults} (ADR 0012)
 * @param startHalted an admission partition whose stores are empty when it starts (its first start,
 *     or the first after the upgrade's reset deleted its changelogs) counts the platform as halted
 *     until it reads a platform resume, so nothing it reads before the halt and policies intake
 *     reads again is approved against its empty state (the upgrade in the README)
 */
public record AdmissionSettings(
    int platformMaxActiveFaults,
    Duration leaseGrace,
    Duration leaseCheckInterval,
    String topicPrefix,
    RequestAuthentication.Settings signatures,
    Duration startDeadline,
    AccountOwnerLookup accountOwners,
    int admissionPartitions,
    boolean startHalted) {
  public static final Duration DEFAULT_START_DEADLINE = Duration.ofMinutes(2);

  public AdmissionSettings {
    topicPrefix = topicPrefix == null ? "" : topicPrefix;
    signatures = signatures == null ? RequestAuthentication.Settings.defaults() : signatures;
    startDeadline = startDeadline == null ? DEFAULT_START_DEADLINE : startDeadline;
    accountOwners = accountOwners == null ? AccountOwnerLookup.NONE : accountOwners;
    if (platformMaxActiveFaults < 0) {
      throw new IllegalArgumentException("platformMaxActiveFaults must be >= 0");
    }
    Objects.requireNonNull(leaseGrace, "leaseGrace");
    Objects.requireNonNull(leaseCheckInterval, "leaseCheckInterval");
    if (admissionPartitions < 1) {
      throw new IllegalArgumentException(
          "admissionPartitions must be >= 1, was " + admissionPartitions);
    }
  }

  /** As many admission partitions as the requests topic has. */
  public static final int DEFAULT_ADMISSION_PARTITIONS = Topics.FAULT_REQUESTS.partitions();

  public AdmissionSettings(
      int platformMaxActiveFaults,
      Duration leaseGrace,
      Duration leaseCheckInterval,
      String topicPrefix) {
    this(
        platformMaxActiveFaults,
        leaseGrace,
        leaseCheckInterval,
        topicPrefix,
        null,
        null,
        null,
        DEFAULT_ADMISSION_PARTITIONS,
        false);
  }

  public AdmissionSettings(
      int platformMaxActiveFaults, Duration leaseGrace, Duration leaseCheckInterval) {
    this(platformMaxActiveFaults, leaseGrace, leaseCheckInterval, "");
  }

  public AdmissionSettings withSignatures(RequestAuthentication.Settings value) {
    return new AdmissionSettings(
        platformMaxActiveFaults,
        leaseGrace,
        leaseCheckInterval,
        topicPrefix,
        value,
        startDeadline,
        accountOwners,
        admissionPartitions,
        startHalted);
  }

  public AdmissionSettings withStartDeadline(Duration value) {
    return new AdmissionSettings(
        platformMaxActiveFaults,
        leaseGrace,
        leaseCheckInterval,
        topicPrefix,
        signatures,
        value,
        accountOwners,
        admissionPartitions,
        startHalted);
  }

  public AdmissionSettings withAccountOwners(AccountOwnerLookup value) {
    return new AdmissionSettings(
        platformMaxActiveFaults,
        leaseGrace,
        leaseCheckInterval,
        topicPrefix,
        signatures,
        startDeadline,
        value,
        admissionPartitions,
        startHalted);
  }

  public AdmissionSettings withAdmissionPartitions(int value) {
    return new AdmissionSettings(
        platformMaxActiveFaults,
        leaseGrace,
        leaseCheckInterval,
        topicPrefix,
        signatures,
        startDeadline,
        accountOwners,
        value,
        startHalted);
  }

  public AdmissionSettings withStartHalted(boolean value) {
    return new AdmissionSettings(
        platformMaxActiveFaults,
        leaseGrace,
        leaseCheckInterval,
        topicPrefix,
        signatures,
        startDeadline,
        accountOwners,
        admissionPartitions,
        value);
  }

  /** The name of a catalogue topic in this deployment. */
  public String topic(io.faultline.events.topics.Topic<?> topic) {
    return topicPrefix + topic.name();
  }

  /** The admission log's name without the prefix. */
  public static final String ADMISSION_LOG = "faultline.policy-admission-log.v1";

  /**
   * The admission log: the topic from intake to admission, {@link #admissionPartitions} partitions
   * keyed by tenant, internal to this service (created by {@link AdmissionPipeline}, purged up to
   * admission's committed offsets). Admission writes the escrow's messages to it too (ADR 0012).
   */
  public String admissionLog() {
    return topicPrefix + ADMISSION_LOG;
  }

  public static AdmissionSettings defaults() {
    return new AdmissionSettings(200, Duration.ofSeconds(30), Duration.ofSeconds(1));
  }
}
