package io.faultline.benchmarks.flow;

import io.faultline.events.lifecycle.LifecycleStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Signed process-kill requests spread over tenants and accounts, each on an instance of its own
 * (one fault per target), by instance id or by a tag selecting that one instance, published at a
 * fixed rate; when each was sent, by fault id.
 */
final class Load {
  private static final AtomicLong INSTANCES = new AtomicLong(0x100000);

  private Load() {}

  /**
   * How a request names its instance: by id, or by a tag ({@code p2:<fault id>}) the AWS stub
   * resolves to one instance of the fault's own, so the executor claims it from the tenant's
   * admission after resolving it (issue 16) and no two faults' claims collide.
   */
  enum Selection {
    INSTANCE_ID,
    TAG
  }

  /** A tag the AWS stub resolves to one instance of this fault's own, as {@code key:value}. */
  private static String tagged(BenchPlatform platform, String faultId) {
    platform.aws().tag(faultId, 1);
    return "p2:" + faultId;
  }

  /** A fresh instance id no other request of this JVM names. */
  static String instance() {
    return String.format("i-%017x", INSTANCES.incrementAndGet());
  }

  /**
   * Builds and signs {@code count} requests (signing is done before the clock starts: an RSA
   * signature costs about a millisecond of the driver's CPU), round-robin over tenants and their
   * accounts, named {@code <prefix>-<i>}, in run {@code runId}, each naming its instance as {@code
   * selection} says (a tag is registered with {@code platform}'s AWS stub).
   */
  static Map<String, ProducerRecord<String, byte[]>> requests(
      BenchPlatform platform,
      List<BenchTenant> tenants,
      String prefix,
      String runId,
      int count,
      int holdSeconds,
      Selection selection) {
    Map<String, ProducerRecord<String, byte[]>> records = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      BenchTenant tenant = tenants.get(i % tenants.size());
      String account = tenant.accounts().get((i / tenants.size()) % tenant.accounts().size());
      String faultId = prefix + "-" + i;
      String target = selection == Selection.TAG ? tagged(platform, faultId) : instance();
      records.put(
          faultId, tenant.signed(tenant.processKill(faultId, runId, account, target, holdSeconds)));
    }
    return records;
  }

  /** Sends the records at {@code perSecond}; each fault's send time ({@link System#nanoTime}). */
  static Map<String, Long> publish(
      BenchPlatform platform, Map<String, ProducerRecord<String, byte[]>> records, int perSecond) {
    Map<String, Long> sent = new LinkedHashMap<>();
    long start = System.nanoTime();
    long interval = 1_000_000_000L / perSecond;
    int i = 0;
    List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
    for (Map.Entry<String, ProducerRecord<String, byte[]>> e : records.entrySet()) {
      Waits.pace(start + i++ * interval);
      sent.put(e.getKey(), System.nanoTime());
      acks.add(platform.producer().send(e.getValue()));
    }
    platform.producer().flush();
    for (var ack : acks) {
      try {
        ack.get();
      } catch (Exception ex) {
        throw new IllegalStateException("a request was not acknowledged", ex);
      }
    }
    return sent;
  }

  /**
   * A round's latencies: request → first inject {@code SendCommand}, and its two legs split where
   * the driver read the fault's approval on the lifecycle topic ({@link LifecycleTap}): the
   * policy's share (intake, admission, both transactions and the Kafka hops) and the executor's
   * (its read of the approval, the ledger's first transaction, the AWS calls before the inject).
   */
  record Round(
      Latencies toInject,
      Latencies toApprovalRead,
      Latencies approvalReadToInject,
      ExecutorSteps executorSteps) {}

  /**
   * The executor's share in three steps, by the {@code occurredAt} of its STARTED and
   * TARGETS_RESOLVED events (built before their commits): picking the approval up; STARTED's
   * commit, assume role, resolution and the pre-check; TARGETS_RESOLVED's and the inject intent's
   * commits and the inject. The driver may read an approval after the executor did, so the first
   * step can be at or below 0.
   */
  record ExecutorSteps(
      Latencies approvalReadToStarted, Latencies startedToResolved, Latencies resolvedToInject) {}

  /** {@link System#nanoTime} of this JVM as wall-clock nanoseconds since the epoch. */
  private static final long WALL_MINUS_NANO_TIME = epochNanos(Instant.now()) - System.nanoTime();

  private static long epochNanos(Instant at) {
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  /**
   * One round: {@code count} requests named {@code <prefix>-<i>}, naming their instances as {@code
   * selection} says, published at {@code rate}, each fault's request → first inject {@code
   * SendCommand}; returns once every fault has ended (or the round's wait, 60 s + 1 s per 20
   * requests, passed), so the next round starts on an idle platform.
   */
  static Round round(
      BenchPlatform platform,
      List<BenchTenant> tenants,
      String prefix,
      int rate,
      int count,
      int holdSeconds,
      Selection selection) {
    var records =
        requests(platform, tenants, prefix, "run-" + prefix, count, holdSeconds, selection);
    Map<String, Long> sent = publish(platform, records, rate);
    List<String> faults = List.copyOf(sent.keySet());
    Duration wait = Duration.ofSeconds(60 + count / 20);
    awaitCommands(platform, faults, "inject", wait);
    Latencies latencies = Latencies.of(since(platform, sent, "inject"));
    Map<String, Long> approved = new LinkedHashMap<>();
    List<Long> toApproval = new ArrayList<>();
    sent.forEach(
        (fault, at) -> {
          Long read = platform.lifecycle().approvedReadAt(fault);
          if (read != null) {
            approved.put(fault, read);
            toApproval.add(read - at);
          }
        });
    Latencies approvalToInject = Latencies.of(since(platform, approved, "inject"));
    ExecutorSteps steps = executorSteps(platform, approved);
    Waits.until(platform, wait, () -> platform.lifecycle().ended(faults) == faults.size());
    long completed = platform.lifecycle().endedAs(faults, LifecycleStage.COMPLETED);
    if (completed < faults.size()) {
      System.err.printf(
          "%s: %d of %d faults COMPLETED (%d reached SendCommand)%n",
          prefix, completed, faults.size(), latencies.count());
    }
    return new Round(latencies, Latencies.of(toApproval), approvalToInject, steps);
  }

  /** The executor's steps of each fault whose approval, events and inject were all seen. */
  private static ExecutorSteps executorSteps(BenchPlatform platform, Map<String, Long> approved) {
    List<Long> pickUp = new ArrayList<>();
    List<Long> resolve = new ArrayList<>();
    List<Long> inject = new ArrayList<>();
    approved.forEach(
        (fault, read) -> {
          Instant started = platform.lifecycle().startedAt(fault);
          Instant resolved = platform.lifecycle().resolvedAt(fault);
          var call = platform.aws().firstCommand(fault, "inject");
          if (started == null || resolved == null || call == null) {
            return;
          }
          pickUp.add(epochNanos(started) - (read + WALL_MINUS_NANO_TIME));
          resolve.add(epochNanos(resolved) - epochNanos(started));
          inject.add(call.nanoTime() + WALL_MINUS_NANO_TIME - epochNanos(resolved));
        });
    return new ExecutorSteps(Latencies.of(pickUp), Latencies.of(resolve), Latencies.of(inject));
  }

  /** Waits until every fault got its first {@code action} command, or the timeout passed. */
  static boolean awaitCommands(
      BenchPlatform platform, List<String> faults, String action, Duration timeout) {
    return Waits.until(
        platform,
        timeout,
        () -> faults.stream().allMatch(f -> platform.aws().firstCommand(f, action) != null));
  }

  /** {@code first action command − from} of each fault that got one, in ns. */
  static List<Long> since(BenchPlatform platform, Map<String, Long> from, String action) {
    List<Long> nanos = new ArrayList<>();
    from.forEach(
        (fault, at) -> {
          var call = platform.aws().firstCommand(fault, action);
          if (call != null) {
            nanos.add(call.nanoTime() - at);
          }
        });
    return nanos;
  }
}
