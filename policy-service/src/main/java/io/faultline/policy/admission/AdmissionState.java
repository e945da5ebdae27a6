package io.faultline.policy.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.leases.LeaseBook;
import io.faultline.policy.rules.ActiveFaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission's five changelogged stores behind a typed API. They are written in the same
 * exactly-once transaction as the decisions; the in-memory {@link LeaseBook}, halts and policy
 * cache are only an index over them, built on the first {@link #load()} of each instance, so one
 * instance must not outlive the task's {@code init}.
 */
final class AdmissionState implements AdmissionView {
  static final String PLATFORM_SCOPE = "platform";
  static final String TENANT_SCOPE = "tenant/";

  private static final ObjectMapper JSON = Json.mapper();
  private static final byte[] HALTED = {'H'};

  /**
   * Written to the halts store the first time a partition starts on empty stores, so it is never
   * empty again (a partition none of whose tenants ever acted would otherwise look fresh, and start
   * halted, on every restart).
   */
  static final String STARTED = "started";

  private static final byte[] STARTED_MARK = {'S'};
  private static final Logger log = LoggerFactory.getLogger(AdmissionState.class);

  private final LeaseBook book = new LeaseBook();
  private final Map<String, TenantPolicy> policyCache = new HashMap<>();
  private final Set<String> halted = new HashSet<>();
  private final KeyValueStore<String, byte[]> policies;
  private final KeyValueStore<String, byte[]> halts;
  private final KeyValueStore<String, byte[]> decisions;
  private final KeyValueStore<String, byte[]> leases;
  private final KeyValueStore<String, byte[]> cooldowns;
  private final EscrowBook escrow;
  private final boolean startHalted;
  private final String task;
  private boolean loaded;

  /**
   * @param startHalted on empty stores, count the platform as halted until a resume ({@link
   *     AdmissionSettings#startHalted()})
   */
  AdmissionState(ProcessingContext context, EscrowBook escrow, boolean startHalted) {
    this.escrow = escrow;
    this.startHalted = startHalted;
    this.task = String.valueOf(context.taskId());
    policies = context.getStateStore(AdmissionTopology.POLICIES_STORE);
    halts = context.getStateStore(AdmissionTopology.HALTS_STORE);
    decisions = context.getStateStore(AdmissionTopology.DECISIONS_STORE);
    leases = context.getStateStore(AdmissionTopology.LEASES_STORE);
    cooldowns = context.getStateStore(AdmissionTopology.COOLDOWNS_STORE);
  }

  /** Builds the index from the stores, once; call before the first read or write. */
  void load() {
    escrow.load();
    if (loaded) {
      return;
    }
    book.clear();
    halted.clear();
    if (fresh()) {
      halts.put(STARTED, STARTED_MARK);
      if (startHalted) {
        halts.put(PLATFORM_SCOPE, HALTED);
        log.warn(
            "admission task {} started on empty stores with start-halted: it counts the platform as"
                + " halted until it reads a platform resume",
            task);
      }
    }
    List<KeyValue<String, Lease>> legacy = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = leases.all()) {
      all.forEachRemaining(
          kv -> {
            Lease lease = read(kv.value, Lease.class);
            book.take(lease);
            if (!kv.key.equals(lease.key())) {
              legacy.add(KeyValue.pair(kv.key, lease));
            }
          });
    }
    // Leases stored under a bare fault id (before ADR 0007) move to their fault key.
    for (KeyValue<String, Lease> moved : legacy) {
      leases.delete(moved.key);
      leases.put(moved.value.key(), write(moved.value));
    }
    try (KeyValueIterator<String, byte[]> all = cooldowns.all()) {
      all.forEachRemaining(kv -> book.restoreCooldown(kv.key, ByteBuffer.wrap(kv.value).getLong()));
    }
    try (KeyValueIterator<String, byte[]> all = halts.all()) {
      all.forEachRemaining(
          kv -> {
            if (!kv.key.equals(STARTED)) {
              halted.add(kv.key);
            }
          });
    }
    loaded = true;
  }

  /** Whether no store holds anything: the partition's first start, or its changelogs deleted. */
  private boolean fresh() {
    return Stream.of(policies, halts, decisions, leases, cooldowns)
        .noneMatch(AdmissionState::holds);
  }

  private static boolean holds(KeyValueStore<String, byte[]> store) {
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      return all.hasNext();
    }
  }

  @Override
  public TenantPolicy policy(String tenantId) {
    TenantPolicy cached = policyCache.get(tenantId);
    if (cached != null) {
      return cached;
    }
    byte[] stored = policies.get(tenantId);
    if (stored == null) {
      return null;
    }
    TenantPolicy policy = read(stored, TenantPolicy.class);
    policyCache.put(tenantId, policy);
    return policy;
  }

  @Override
  public boolean platformHalted() {
    return halted.contains(PLATFORM_SCOPE);
  }

  @Override
  public boolean tenantHalted(String tenantId) {
    return halted.contains(TENANT_SCOPE + tenantId);
  }

  @Override
  public boolean decided(String tenantId, String faultId) {
    // A bare fault id is a decision written before ADR 0007; it is remembered as long as any.
    return decisions.get(Lease.keyOf(tenantId, faultId)) != null || decisions.get(faultId) != null;
  }

  @Override
  public ActiveFaults active() {
    return book;
  }

  @Override
  public int platformTokens(int budget) {
    return escrow.share().tokens();
  }

  @Override
  public Optional<Lease> lease(String tenantId, String faultId) {
    return book.lease(Lease.keyOf(tenantId, faultId));
  }

  @Override
  public List<Lease> expiredAt(long nowMs) {
    return book.expiredAt(nowMs);
  }

  int activeOnPlatform() {
    return book.activeOnPlatform();
  }

  /** Writes what {@code outcome} changes: stores and index together. */
  void apply(Outcome outcome, Instant now) {
    switch (outcome) {
      case Outcome.Ignored ignored -> {}
      case Outcome.PolicyKept kept -> {}
      case Outcome.Refused refused -> {}
      case Outcome.Approved approved -> {
        Lease lease = approved.lease();
        book.take(lease);
        leases.put(lease.key(), write(lease));
        decisions.put(lease.key(), stamp(now));
      }
      case Outcome.Rejected rejected -> remember(rejected.event(), now);
      case Outcome.Invalid invalid -> remember(invalid.event(), now);
      case Outcome.PolicyStored stored -> {
        policies.put(stored.tenantId(), write(stored.policy()));
        policyCache.put(stored.tenantId(), stored.policy());
      }
      case Outcome.PolicyRemoved removed -> {
        policies.delete(removed.tenantId());
        policyCache.remove(removed.tenantId());
      }
      case Outcome.HaltSet halt -> {
        if (halt.halted()) {
          halted.add(halt.scope());
          halts.put(halt.scope(), HALTED);
        } else {
          halted.remove(halt.scope());
          halts.delete(halt.scope());
        }
      }
      case Outcome.Renewed renewed -> {
        book.update(renewed.lease());
        leases.put(renewed.lease().key(), write(renewed.lease()));
      }
      case Outcome.SequenceSeen seen -> {
        book.update(seen.lease());
        leases.put(seen.lease().key(), write(seen.lease()));
      }
      case Outcome.Claimed claimed -> {
        if (claimed.extended() != null) {
          book.extend(claimed.extended());
          leases.put(claimed.extended().key(), write(claimed.extended()));
        }
      }
      case Outcome.Released released -> release(released.lease(), now);
      case Outcome.Expired expired -> release(expired.lease(), now);
    }
  }

  /**
   * Stores a rejection so the fault is decided once; but not for a tenant without a policy: no
   * credential can be checked for it, so a request naming an unregistered tenant must not take a
   * fault id that tenant's own requests will use once it registers. Its repeats are rejected again.
   */
  private void remember(FaultLifecycleEvent event, Instant now) {
    if (policy(event.tenantId().value()) != null) {
      decisions.put(keyOf(event), stamp(now));
    }
  }

  private void release(Lease lease, Instant now) {
    book.release(lease.key(), now);
    leases.delete(lease.key());
    byte[] ended = stamp(now);
    List<KeyValue<String, byte[]>> entries = new ArrayList<>();
    lease.targets().forEach(t -> entries.add(KeyValue.pair(t, ended)));
    cooldowns.putAll(entries);
  }

  private static String keyOf(FaultLifecycleEvent event) {
    return Lease.keyOf(event.tenantId().value(), event.faultId().value());
  }

  /** Forgets decisions and cooldowns older than {@code horizonMs}, so the stores stay bounded. */
  void forgetBefore(long horizonMs) {
    for (KeyValueStore<String, byte[]> store : List.of(decisions, cooldowns)) {
      List<String> old = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> all = store.all()) {
        all.forEachRemaining(
            kv -> {
              if (ByteBuffer.wrap(kv.value).getLong() < horizonMs) {
                old.add(kv.key);
              }
            });
      }
      old.forEach(store::delete);
    }
    book.forgetCooldownsBefore(horizonMs);
  }

  private static byte[] stamp(Instant now) {
    return ByteBuffer.allocate(Long.BYTES).putLong(now.toEpochMilli()).array();
  }

  private static byte[] write(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return JSON.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
