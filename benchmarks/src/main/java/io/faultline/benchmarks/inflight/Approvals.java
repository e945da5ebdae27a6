package io.faultline.benchmarks.inflight;

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
import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes what the policy service and the scheduler would: {@code ec2-process-kill} approvals on
 * one instance each (by id, so no target claim is needed), spread over accounts and tenants, and
 * platform halt / resume controls. Fault ids are {@code p3-<run>-<phase>-<n>}.
 */
final class Approvals implements AutoCloseable {
  static final String REGION = "eu-west-1";
  private static final FaultType PROCESS_KILL = FaultType.of("ec2-process-kill");
  private static final int HOLD_SECONDS = 3_600;

  private final KafkaProducer<String, byte[]> producer;
  private final String run;
  private final int accounts;
  private final int tenants;
  private int instances;

  Approvals(String bootstrapServers, String run, int accounts, int tenants) {
    this.run = run;
    this.accounts = accounts;
    this.tenants = tenants;
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG,
                20),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** The fault id prefix of a phase, as {@link StageTap} groups them. */
  String prefix(String phase) {
    return "p3-" + run + "-" + phase + "-";
  }

  /**
   * Publishes {@code count} approvals of {@code phase} (each on an instance of its own, held an
   * hour unless a dry run) and waits until the broker has them all.
   */
  List<String> publish(String phase, int count, boolean dryRun) {
    List<String> ids = new ArrayList<>(count);
    Instant now = Instant.now();
    for (int i = 0; i < count; i++) {
      int account = i % accounts;
      String accountId = String.format(Locale.ROOT, "%012d", 400_000_000_000L + account);
      String id = prefix(phase) + i;
      FaultApproved approval =
          new FaultApproved(
              FaultId.of(id),
              // An account belongs to one tenant.
              TenantId.of("p3-tenant-" + (account % tenants)),
              ExperimentId.of("p3"),
              null,
              PROCESS_KILL,
              AccountId.of(accountId),
              AwsRegion.of(REGION),
              FaultCatalogue.standard()
                  .validate(
                      PROCESS_KILL,
                      Map.of(
                          "PROCESS_IDS",
                          "4242",
                          "EC2_INSTANCE_ID",
                          String.format(Locale.ROOT, "i-%017x", instances++),
                          "TOTAL_CHAOS_DURATION",
                          HOLD_SECONDS)),
              dryRun,
              new AccountAccess("arn:aws:iam::" + accountId + ":role/faultline", "p3-external"),
              ProtectedTargetGuard.none(),
              5,
              "benchmarks",
              now,
              now.plusSeconds(2 * HOLD_SECONDS),
              1,
              List.of());
      producer.send(
          EventCodec.standard()
              .encode(
                  Topics.FAULT_APPROVALS,
                  FaultlineEvent.of(URI.create("/faultline/policy-service"), approval)));
      ids.add(id);
    }
    producer.flush();
    return ids;
  }

  /** Publishes a platform-wide control (halt, resume) as the scheduler does. */
  void control(ControlAction action) {
    try {
      producer
          .send(
              EventCodec.standard()
                  .encode(
                      Topics.FAULT_CONTROLS,
                      FaultlineEvent.of(
                          URI.create("/faultline/scheduler-service"),
                          new FaultControl(
                              UUID.randomUUID().toString(),
                              action,
                              null,
                              null,
                              null,
                              "benchmark",
                              "benchmarks",
                              Instant.now()))))
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish " + action, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
