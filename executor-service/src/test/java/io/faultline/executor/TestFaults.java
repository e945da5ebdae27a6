package io.faultline.executor;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.Concurrency;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.Windows;
import io.faultline.events.topics.Topics;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Approvals, controls and tenant policies as the policy and scheduler services would publish them.
 */
public final class TestFaults {
  private static KafkaProducer<String, byte[]> producer;

  private TestFaults() {}

  public static synchronized void createTopics() {
    TestKafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
  }

  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static String traceparent() {
    HexFormat hex = HexFormat.of();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "00-"
        + hex.toHexDigits(r.nextLong())
        + hex.toHexDigits(r.nextLong())
        + "-"
        + hex.toHexDigits(r.nextLong())
        + "-01";
  }

  public static FaultApproved approval(
      String faultId,
      String tenant,
      String account,
      String type,
      Map<String, ?> parameters,
      boolean dryRun,
      ProtectedTargetGuard guard,
      int maxTargets) {
    Instant now = Instant.now();
    return new FaultApproved(
        FaultId.of(faultId),
        TenantId.of(tenant),
        ExperimentId.of("exp-" + tenant),
        RunId.of("run-" + tenant),
        FaultType.of(type),
        AccountId.of(account),
        AwsRegion.of(MotoAccounts.REGION),
        FaultCatalogue.standard().validate(FaultType.of(type), parameters),
        dryRun,
        new AccountAccess(MotoAccounts.roleArn(account), "ext-" + tenant + "-7f3c"),
        guard,
        maxTargets,
        "user:test",
        now,
        now.plusSeconds(3600),
        1,
        List.of(),
        // The policy bound a serial fault's hosts x duration is checked against.
        3600);
  }

  /** The same approval with another start deadline ({@code leaseExpiresAt}). */
  public static FaultApproved withStartDeadline(FaultApproved a, Instant deadline) {
    return new FaultApproved(
        a.faultId(),
        a.tenantId(),
        a.experimentId(),
        a.runId(),
        a.faultType(),
        a.accountId(),
        a.region(),
        a.parameters(),
        a.dryRun(),
        a.access(),
        a.guard(),
        a.maxTargets(),
        a.requestedBy(),
        a.approvedAt(),
        deadline,
        a.sequence(),
        a.rules(),
        a.maxDurationSeconds());
  }

  /** The same approval with another policy bound on the duration ({@code maxDurationSeconds}). */
  public static FaultApproved withMaxDuration(FaultApproved a, Integer seconds) {
    return new FaultApproved(
        a.faultId(),
        a.tenantId(),
        a.experimentId(),
        a.runId(),
        a.faultType(),
        a.accountId(),
        a.region(),
        a.parameters(),
        a.dryRun(),
        a.access(),
        a.guard(),
        a.maxTargets(),
        a.requestedBy(),
        a.approvedAt(),
        a.leaseExpiresAt(),
        a.sequence(),
        a.rules(),
        seconds);
  }

  public static ProducerRecord<String, byte[]> record(FaultApproved approval, String traceparent) {
    return EventCodec.standard()
        .encode(
            Topics.FAULT_APPROVALS,
            FaultlineEvent.of(
                UUID.randomUUID().toString(),
                URI.create("/faultline/policy-service"),
                approval,
                traceparent));
  }

  public static void publish(FaultApproved approval, String traceparent) {
    send(record(approval, traceparent));
  }

  public static void control(ControlAction action, TenantId tenant, FaultId fault) {
    FaultControl control =
        new FaultControl(
            unique("ctl"), action, tenant, fault, null, "test", "user:test", Instant.now());
    send(
        EventCodec.standard()
            .encode(
                Topics.FAULT_CONTROLS,
                FaultlineEvent.of(URI.create("/faultline/scheduler-service"), control)));
  }

  /**
   * Publishes {@code tenant}'s policy, registering {@code account} and protecting {@code
   * protectedTargets}, as the scheduler's tenant admin endpoints would.
   */
  public static void publishPolicy(
      TenantId tenant, String account, long revision, ProtectedTargets protectedTargets) {
    TenantPolicy policy =
        new TenantPolicy(
            tenant,
            revision,
            List.of(
                new RegisteredAccount(
                    AccountId.of(account),
                    MotoAccounts.roleArn(account),
                    "ext-" + tenant.value() + "-7f3c",
                    List.of(AwsRegion.of(MotoAccounts.REGION)))),
            List.of(FaultType.of("ec2-process-kill")),
            protectedTargets,
            Windows.always(),
            new Bounds(3600, 100, 50),
            new Concurrency(10, 10),
            0,
            false,
            Instant.now(),
            "user:test");
    send(
        EventCodec.standard()
            .encode(
                Topics.TENANT_POLICIES,
                FaultlineEvent.of(URI.create("/faultline/scheduler-service"), policy)));
  }

  /** Deletes {@code tenant}'s policy: a tombstone on the compacted policies topic. */
  public static void deletePolicy(TenantId tenant) {
    send(new ProducerRecord<>(Topics.TENANT_POLICIES.name(), tenant.value(), null));
  }

  /** An ABORT_RUN (or another run-scoped control) as the scheduler publishes it. */
  public static void runControl(ControlAction action, TenantId tenant, RunId run) {
    FaultControl control =
        new FaultControl(
            unique("ctl"), action, tenant, null, run, "test", "user:test", Instant.now());
    send(
        EventCodec.standard()
            .encode(
                Topics.FAULT_CONTROLS,
                FaultlineEvent.of(URI.create("/faultline/scheduler-service"), control)));
  }

  /** Sends a record and waits for the broker's acknowledgement: where it was written. */
  public static synchronized RecordMetadata send(ProducerRecord<String, byte[]> record) {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer());
    }
    try {
      return producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
