package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.PROTECTED_INSTANCE;
import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static io.faultline.policy.PolicyExamples.withConcurrency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.policy.rules.RequestedTargets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two policy-service instances in separate JVMs on a real broker; the one running admission task
 * 0_0 (one of the admission log's partitions, ADR 0012) is killed (SIGKILL) mid-stream and
 * restarted. Every request must be decided exactly once, and replaying each committed lifecycle
 * partition (decisions and the executor's ends in append order) must never exceed a tenant or
 * account limit nor double-book a target (the platform limit across partitions: {@code
 * EscrowRebalanceIT}).
 */
class CrashRecoveryIT {
  static final int TENANTS = 10;
  static final int TENANT_MAX = 3;
  static final int ACCOUNT_MAX = 2;
  static final int PLATFORM_MAX = 12;
  static final int REQUESTS = 5000;

  /** Instances per tenant: an instance is in one account, so in one tenant's partition. */
  static final int INSTANCES = 4;

  final Broker broker = Broker.unique("crash");
  final String appId = "policy-crash-" + UUID.randomUUID().toString().substring(0, 8);
  final String run = UUID.randomUUID().toString().substring(0, 6);
  final PolicyNodes nodes = new PolicyNodes(broker, appId, PLATFORM_MAX, "-Xmx512m");
  final Map<String, List<FaultLifecycleEvent>> decisions = new ConcurrentHashMap<>();
  final AtomicBoolean running = new AtomicBoolean(true);
  final List<Thread> threads = new ArrayList<>();

  String tenant(int i) {
    return "crash-" + run + "-" + i;
  }

  static String account(int tenant, int k) {
    return String.format("%012d", 500_000_000_000L + tenant * 10L + k);
  }

  static String instance(int i) {
    return String.format("i-%017x", 0xabc000L + i);
  }

  @AfterEach
  void stop() throws Exception {
    running.set(false);
    nodes.close();
    for (Thread thread : threads) {
      thread.join(10_000);
    }
  }

  @Test
  void decidesEveryRequestExactlyOnceWithinLimitsWhenAnInstanceIsKilled() throws Exception {
    String admissionTask = "admission/0_0";
    for (int t = 0; t < TENANTS; t++) {
      TenantPolicy policy =
          withConcurrency(policy(tenant(t), account(t, 0), account(t, 1)), TENANT_MAX, ACCOUNT_MAX);
      broker.send(Topics.TENANT_POLICIES, policy);
    }
    nodes.start("a");
    nodes.start("b");
    collectDecisionsAndCompleteApprovals();
    // Two JVMs start on a shared machine: generous bounds.
    await()
        .atMost(Duration.ofSeconds(240))
        .until(
            () -> nodes.byName().values().stream().anyMatch(n -> n.tasks.contains(admissionTask)));
    probeUntilEveryPolicyIsKnown();

    List<FaultRequested> requests = requests();
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      requests
          .subList(0, REQUESTS / 2)
          .forEach(r -> producer.send(broker.record(Topics.FAULT_REQUESTS, r)));
      producer.flush();
      await().atMost(Duration.ofSeconds(180)).until(() -> decided(requests) >= REQUESTS / 6);
      String victim =
          nodes.byName().entrySet().stream()
              .filter(e -> e.getValue().tasks.contains(admissionTask))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow();
      nodes.get(victim).process.destroyForcibly().waitFor();
      int decidedAtKill = decided(requests);
      requests
          .subList(REQUESTS / 2, REQUESTS)
          .forEach(r -> producer.send(broker.record(Topics.FAULT_REQUESTS, r)));
      producer.flush();
      nodes.start(victim);
      assertThat(decidedAtKill).isLessThan(REQUESTS);
    }
    await().atMost(Duration.ofSeconds(240)).until(() -> decided(requests) == REQUESTS);
    for (PolicyNodes.Node node : nodes.byName().values()) {
      node.process.destroy();
      node.process.waitFor();
    }
    running.set(false);

    Map<String, List<FaultLifecycleEvent>> byFault =
        readAll(Topics.FAULT_LIFECYCLE.name()).stream()
            .map(
                r ->
                    EventCodec.standard()
                        .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                        .data())
            .filter(e -> e.producer().equals("policy-service"))
            .collect(java.util.stream.Collectors.groupingBy(e -> e.faultId().value()));
    for (FaultRequested request : requests) {
      assertThat(byFault.get(request.faultId().value()))
          .as("decisions of %s", request.faultId())
          .hasSize(1);
    }
    Map<String, FaultApproved> approvals = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : readAll(Topics.FAULT_APPROVALS.name())) {
      FaultApproved approval =
          EventCodec.standard()
              .decode(Topics.FAULT_APPROVALS, record.key(), record.headers(), record.value())
              .data();
      assertThat(approvals.put(approval.faultId().value(), approval))
          .as("second approval")
          .isNull();
      assertThat(approval.parameters().text("EC2_INSTANCE_ID").orElse(""))
          .doesNotContain(PROTECTED_INSTANCE);
      int tenant =
          Integer.parseInt(
              approval
                  .tenantId()
                  .value()
                  .substring(approval.tenantId().value().lastIndexOf('-') + 1));
      assertThat(approval.accountId().value()).isIn(account(tenant, 0), account(tenant, 1));
    }
    long approvedDecisions =
        byFault.values().stream().filter(d -> d.get(0).stage() == LifecycleStage.APPROVED).count();
    assertThat(approvals).hasSize((int) approvedDecisions);
    assertThat(approvedDecisions).isGreaterThan(PLATFORM_MAX);
    replayAdmissionLogWithinLimits(byFault);
  }

  private int decided(List<FaultRequested> requests) {
    int n = 0;
    for (FaultRequested r : requests) {
      if (decisions.containsKey(r.faultId().value())) {
        n++;
      }
    }
    return n;
  }

  private List<FaultRequested> requests() {
    Random random = new Random(42);
    List<FaultRequested> requests = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      int t = random.nextInt(TENANTS);
      int owner = random.nextInt(100) < 95 ? t : (t + 1) % TENANTS;
      String target =
          random.nextInt(100) < 3
              ? PROTECTED_INSTANCE
              : instance(t * INSTANCES + random.nextInt(INSTANCES));
      requests.add(
          processKill(tenant(t), "f-" + run + "-" + i, account(owner, random.nextInt(2)), target));
    }
    return requests;
  }

  /** Reads decisions; plays the executor, completing every approval at once. */
  private void collectDecisionsAndCompleteApprovals() {
    Thread thread =
        new Thread(
            () -> {
              try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer();
                  ExecutorStandIn executor =
                      new ExecutorStandIn(
                          broker.producer(), broker.topic(Topics.FAULT_LIFECYCLE))) {
                consumer.subscribe(List.of(broker.topic(Topics.FAULT_LIFECYCLE)));
                while (running.get()) {
                  for (ConsumerRecord<String, byte[]> record :
                      consumer.poll(Duration.ofMillis(100))) {
                    FaultLifecycleEvent event =
                        EventCodec.standard()
                            .decode(
                                Topics.FAULT_LIFECYCLE,
                                record.key(),
                                record.headers(),
                                record.value())
                            .data();
                    if (!event.producer().equals("policy-service")) {
                      continue;
                    }
                    decisions
                        .computeIfAbsent(
                            event.faultId().value(),
                            k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(event);
                    if (event.stage() == LifecycleStage.APPROVED) {
                      executor.send(
                          AdmissionDriver.executorEvent(
                              event.tenantId().value(),
                              event.faultId().value(),
                              LifecycleStage.COMPLETED,
                              2,
                              Instant.now()));
                    }
                  }
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
    threads.add(thread);
  }

  /** Requests that touch a protected instance until each tenant's policy has been seen. */
  private void probeUntilEveryPolicyIsKnown() {
    Set<Integer> known = ConcurrentHashMap.newKeySet();
    int[] attempt = {0};
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              for (int t = 0; t < TENANTS; t++) {
                String probe = "probe-" + run + "-" + t + "-" + attempt[0];
                // Any earlier probe counts: on a slow machine a decision can take longer than a
                // poll.
                for (int earlier = 0; earlier < attempt[0] && !known.contains(t); earlier++) {
                  List<FaultLifecycleEvent> seen =
                      decisions.get("probe-" + run + "-" + t + "-" + earlier);
                  if (seen != null
                      && seen.get(0).rules().stream()
                          .anyMatch(r -> r.code() == RuleCode.PROTECTED_TARGET)) {
                    known.add(t);
                  }
                }
                if (!known.contains(t)) {
                  broker.send(
                      Topics.FAULT_REQUESTS,
                      processKill(tenant(t), probe, account(t, 0), PROTECTED_INSTANCE));
                }
              }
              attempt[0]++;
              return known.size() == TENANTS;
            });
  }

  private List<ConsumerRecord<String, byte[]>> readAll(String catalogueName) {
    return readTopic(broker.prefix + catalogueName);
  }

  private List<ConsumerRecord<String, byte[]>> readTopic(String topic) {
    try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * Replays each committed lifecycle partition (a tenant's decisions and its executor's ends are on
   * one, in the order they were appended) against the requests, checking the tenant, account and
   * target rules. The policy releases a fault only after reading its end, which was appended before
   * any decision that reuses the release; a request parked for a platform token (ADR 0012) is
   * decided later than its place on the admission log, so the admission log's order is not the
   * decisions' order.
   */
  private void replayAdmissionLogWithinLimits(Map<String, List<FaultLifecycleEvent>> byFault) {
    Map<String, FaultRequested> requested = new HashMap<>();
    requests().forEach(r -> requested.put(r.faultId().value(), r));
    Map<Integer, List<ConsumerRecord<String, byte[]>>> byPartition =
        readAll(Topics.FAULT_LIFECYCLE.name()).stream()
            .collect(java.util.stream.Collectors.groupingBy(ConsumerRecord::partition));
    int approvals = 0;
    for (List<ConsumerRecord<String, byte[]>> partition : byPartition.values()) {
      approvals += replayPartition(partition, requested);
    }
    assertThat(approvals).isGreaterThan(PLATFORM_MAX);
  }

  private int replayPartition(
      List<ConsumerRecord<String, byte[]>> records, Map<String, FaultRequested> requested) {
    Map<String, FaultRequested> active = new HashMap<>();
    Map<String, String> holders = new HashMap<>();
    int approvals = 0;
    for (ConsumerRecord<String, byte[]> record : records) {
      FaultLifecycleEvent event =
          EventCodec.standard()
              .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value())
              .data();
      String faultId = event.faultId().value();
      if (event.stage() == LifecycleStage.APPROVED && requested.containsKey(faultId)) {
        FaultRequested request = requested.get(faultId);
        approvals++;
        active.put(faultId, request);
        String tenant = request.tenantId().value();
        String account = request.accountId().value();
        assertThat(
                active.values().stream().filter(r -> r.tenantId().value().equals(tenant)).count())
            .isLessThanOrEqualTo(TENANT_MAX);
        assertThat(
                active.values().stream().filter(r -> r.accountId().value().equals(account)).count())
            .isLessThanOrEqualTo(ACCOUNT_MAX);
        for (String key :
            RequestedTargets.of(request.parameters())
                .leaseKeys(request.accountId(), request.region())) {
          // Instance-id faults share their account's EC2 scope; every other key is exclusive.
          if (!RequestedTargets.isShared(key)) {
            assertThat(holders.put(key, faultId)).as("target %s already held", key).isNull();
          }
        }
      } else if (event.stage().isTerminal()) {
        FaultRequested ended = active.remove(faultId);
        if (ended != null) {
          RequestedTargets.of(ended.parameters())
              .leaseKeys(ended.accountId(), ended.region())
              .forEach(key -> holders.remove(key, faultId));
        }
      }
    }
    return approvals;
  }
}
