package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static io.faultline.policy.PolicyExamples.withConcurrency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The platform limit held in escrow across the admission log's partitions (ADR 0012), while policy
 * instances (separate JVMs, {@link PolicyNodes}) join, leave and are killed mid-load: many tenants
 * (spread over the partitions) ask for far more faults than the platform budget, none of which
 * ends. Every request gets exactly one decision; the approvals never exceed the budget (a decision
 * made against a stale share — a zombie task, a share restored without its grants — would exceed
 * it); every rejection is the platform limit and nothing else. Then every fault ends and a second
 * wave is decided the same way, against the tokens the releases returned.
 */
class EscrowRebalanceIT {
  static final int TENANTS = 24;
  static final int PLATFORM_MAX = 8;
  static final int PER_WAVE = 48;

  final Broker broker = Broker.unique("escrow");
  final String appId = "policy-escrow-" + UUID.randomUUID().toString().substring(0, 8);
  final String run = UUID.randomUUID().toString().substring(0, 6);
  final PolicyNodes nodes = new PolicyNodes(broker, appId, PLATFORM_MAX, "-Xmx384m");
  final Map<String, List<FaultLifecycleEvent>> decisions = new ConcurrentHashMap<>();
  final AtomicBoolean running = new AtomicBoolean(true);
  Thread collector;

  String tenant(int i) {
    return "escrow-" + run + "-" + i;
  }

  static String account(int tenant) {
    return String.format("%012d", 600_000_000_000L + tenant);
  }

  static String instance(int i) {
    return String.format("i-%017x", 0xe5c000L + i);
  }

  @AfterEach
  void stop() throws Exception {
    running.set(false);
    nodes.close();
    if (collector != null) {
      collector.join(10_000);
    }
  }

  @Test
  void neverExceedsThePlatformBudgetAndDecidesEachRequestOnceWhileInstancesComeAndGo()
      throws Exception {
    for (int t = 0; t < TENANTS; t++) {
      broker.send(
          Topics.TENANT_POLICIES, withConcurrency(policy(tenant(t), account(t)), 1000, 1000));
    }
    nodes.start("a");
    nodes.start("b");
    collectDecisions();
    // Two JVMs start on a shared machine: generous bounds.
    await()
        .atMost(Duration.ofSeconds(240))
        .until(
            () -> nodes.byName().values().stream().allMatch(n -> n.tasks.contains("admission/")));
    awaitIntakeConsumed(Topics.TENANT_POLICIES);

    // Wave 1: a is killed mid-load, c joins, a comes back.
    List<FaultRequested> first = wave(0);
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      send(producer, first.subList(0, PER_WAVE / 2));
      await().atMost(Duration.ofSeconds(120)).until(() -> decided(first) >= PER_WAVE / 6);
      nodes.get("a").process.destroyForcibly().waitFor();
      nodes.start("c");
      send(producer, first.subList(PER_WAVE / 2, PER_WAVE));
      await().atMost(Duration.ofSeconds(120)).until(() -> decided(first) >= PER_WAVE * 2 / 3);
      nodes.start("a");
    }
    awaitAllDecided(first);
    List<FaultLifecycleEvent> approved1 = checkWave(first);

    // Every fault ends; once intake has passed the ends, the releases precede wave 2 on every
    // partition. Wave 2: b leaves cleanly (SIGTERM) mid-load.
    try (ExecutorStandIn executor =
        new ExecutorStandIn(broker.producer(), broker.topic(Topics.FAULT_LIFECYCLE))) {
      for (FaultLifecycleEvent approval : approved1) {
        executor.send(
            AdmissionDriver.executorEvent(
                approval.tenantId().value(),
                approval.faultId().value(),
                LifecycleStage.COMPLETED,
                2,
                Instant.now()));
      }
    }
    awaitIntakeConsumed(Topics.FAULT_LIFECYCLE);
    List<FaultRequested> second = wave(1);
    try (KafkaProducer<String, byte[]> producer = broker.producer()) {
      send(producer, second.subList(0, PER_WAVE / 2));
      await().atMost(Duration.ofSeconds(120)).until(() -> decided(second) >= PER_WAVE / 6);
      nodes.get("b").process.destroy();
      nodes.get("b").process.waitFor();
      send(producer, second.subList(PER_WAVE / 2, PER_WAVE));
    }
    awaitAllDecided(second);
    checkWave(second);
    System.out.printf(
        "escrow: wave 1 approved %d, wave 2 approved %d of budget %d%n",
        approved1.size(), approvedOf(second).size(), PLATFORM_MAX);
  }

  /** Broker.awaitConsumed (one minute), retried while instances restore and rebalance. */
  private void awaitIntakeConsumed(io.faultline.events.topics.Topic<?> topic) {
    await()
        .atMost(Duration.ofSeconds(240))
        .ignoreExceptions()
        .untilAsserted(() -> broker.awaitConsumed(appId + "-intake", topic));
  }

  private List<FaultRequested> wave(int wave) {
    List<FaultRequested> requests = new ArrayList<>();
    for (int i = 0; i < PER_WAVE; i++) {
      int t = i % TENANTS;
      requests.add(
          processKill(
              tenant(t),
              "f-" + run + "-" + wave + "-" + i,
              account(t),
              instance(wave * PER_WAVE + i)));
    }
    return requests;
  }

  /** Generous: three JVMs restore and rebalance on a shared two-core machine. */
  private void awaitAllDecided(List<FaultRequested> wave) {
    await()
        .atMost(Duration.ofSeconds(300))
        .alias("every request of the wave decided")
        .untilAsserted(
            () ->
                assertThat(wave)
                    .filteredOn(r -> !decisions.containsKey(r.faultId().value()))
                    .extracting(r -> r.tenantId().value() + "/" + r.faultId().value())
                    .isEmpty());
  }

  private void send(KafkaProducer<String, byte[]> producer, List<FaultRequested> requests) {
    requests.forEach(r -> producer.send(broker.record(Topics.FAULT_REQUESTS, r)));
    producer.flush();
  }

  /** Exactly one decision each, at most the budget approved, every rejection the platform limit. */
  private List<FaultLifecycleEvent> checkWave(List<FaultRequested> wave) {
    for (FaultRequested request : wave) {
      assertThat(decisions.get(request.faultId().value()))
          .as("decisions of %s", request.faultId())
          .hasSize(1);
    }
    List<FaultLifecycleEvent> approved = approvedOf(wave);
    assertThat(approved)
        .as("approvals of a wave")
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo(PLATFORM_MAX);
    for (FaultRequested request : wave) {
      FaultLifecycleEvent decision = decisions.get(request.faultId().value()).getFirst();
      if (decision.stage() == LifecycleStage.REJECTED) {
        assertThat(decision.rules())
            .filteredOn(r -> !r.passed())
            .extracting(RuleOutcome::code)
            .containsExactly(RuleCode.PLATFORM_CONCURRENCY_LIMIT);
      }
    }
    return approved;
  }

  private List<FaultLifecycleEvent> approvedOf(List<FaultRequested> wave) {
    return wave.stream()
        .map(r -> decisions.get(r.faultId().value()).getFirst())
        .filter(d -> d.stage() == LifecycleStage.APPROVED)
        .toList();
  }

  private int decided(List<FaultRequested> requests) {
    return (int) requests.stream().filter(r -> decisions.containsKey(r.faultId().value())).count();
  }

  /** Every committed decision of the policy service, by fault id. */
  private void collectDecisions() {
    collector =
        new Thread(
            () -> {
              try (KafkaConsumer<String, byte[]> consumer = broker.committedConsumer()) {
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
                    if (event.producer().equals("policy-service")) {
                      decisions
                          .computeIfAbsent(
                              event.faultId().value(), k -> new CopyOnWriteArrayList<>())
                          .add(event);
                    }
                  }
                }
              }
            });
    collector.setDaemon(true);
    collector.start();
  }
}
