package io.faultline.policy.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.events.cloudevents.Json;
import io.faultline.policy.escrow.EscrowDesk;
import io.faultline.policy.escrow.Share;
import io.faultline.policy.leases.Lease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One admission partition's escrow state (ADR 0012) in two changelogged stores, written in the same
 * exactly-once transaction as the decisions: its {@link Share} of the platform budget, and the
 * requests parked while it waits for tokens from its peers, in arrival order. The in-memory queue
 * is only an index over the parked store, built on the first {@link #load()}.
 */
final class EscrowBook implements EscrowDesk.Ledger<EscrowBook.Parked> {
  private static final String SHARE_KEY = "share";
  private static final ObjectMapper JSON = Json.mapper();
  private static final CommandSerde COMMANDS = new CommandSerde();

  /** A request waiting for a platform token, with its append time on the requests topic. */
  record Parked(AdmissionCommand.Decide command, long requestedAtMs) {
    String faultKey() {
      return Lease.keyOf(command.request().tenantId().value(), command.request().faultId().value());
    }
  }

  private final KeyValueStore<String, byte[]> shares;
  private final KeyValueStore<String, byte[]> parked;
  private final int partition;
  private final int partitions;
  private final int budget;
  private final TreeMap<Long, Parked> queue = new TreeMap<>();
  private final Set<String> parkedKeys = new HashSet<>();
  private Share share;
  private long nextSeq;

  EscrowBook(ProcessingContext context, AdmissionSettings settings) {
    shares = context.getStateStore(AdmissionTopology.ESCROW_STORE);
    parked = context.getStateStore(AdmissionTopology.PARKED_STORE);
    partition = context.taskId().partition();
    partitions = settings.admissionPartitions();
    budget = settings.platformMaxActiveFaults();
  }

  /**
   * Reads the share (the initial split the first time) and the parked queue, once. A configured
   * budget other than the one the share was split from re-splits it here, in a transaction.
   */
  void load() {
    if (share != null) {
      return;
    }
    byte[] stored = shares.get(SHARE_KEY);
    Share loaded;
    try {
      loaded =
          stored == null
              ? Share.initial(partition, partitions, budget)
              : JSON.readValue(stored, Share.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (loaded.partitions() != partitions || loaded.partition() != partition) {
      throw new IllegalStateException(
          "the escrow share of admission partition "
              + partition
              + " was split for "
              + loaded.partitions()
              + " partitions, not "
              + partitions
              + ": the admission log's partitions changed without a drain (ADR 0007 §8)");
    }
    share(stored == null ? loaded : loaded.rebudget(budget));
    try (KeyValueIterator<String, byte[]> all = parked.all()) {
      all.forEachRemaining(
          kv -> {
            long seq = Long.parseLong(kv.key);
            Parked entry = decode(kv.value);
            queue.put(seq, entry);
            parkedKeys.add(entry.faultKey());
            nextSeq = Math.max(nextSeq, seq + 1);
          });
    }
  }

  @Override
  public Share share() {
    return share;
  }

  @Override
  public void share(Share value) {
    if (!value.equals(share)) {
      share = value;
      try {
        shares.put(SHARE_KEY, JSON.writeValueAsBytes(value));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  boolean isParked(String tenantId, String faultId) {
    return parkedKeys.contains(Lease.keyOf(tenantId, faultId));
  }

  @Override
  public int parked() {
    return queue.size();
  }

  @Override
  public void park(Parked entry) {
    long seq = nextSeq++;
    queue.put(seq, entry);
    parkedKeys.add(entry.faultKey());
    parked.put(key(seq), encode(entry));
  }

  /** Takes the oldest parked request off the queue (and its store). */
  @Override
  public Optional<Parked> next() {
    Map.Entry<Long, Parked> first = queue.pollFirstEntry();
    if (first == null) {
      return Optional.empty();
    }
    parked.delete(key(first.getKey()));
    parkedKeys.remove(first.getValue().faultKey());
    return Optional.of(first.getValue());
  }

  /** Zero-padded, so the store's order is arrival order. */
  private static String key(long seq) {
    return String.format("%019d", seq);
  }

  private static byte[] encode(Parked entry) {
    byte[] command = COMMANDS.serializer().serialize(null, entry.command());
    return ByteBuffer.allocate(Long.BYTES + command.length)
        .putLong(entry.requestedAtMs())
        .put(command)
        .array();
  }

  private static Parked decode(byte[] bytes) {
    long requestedAtMs = ByteBuffer.wrap(bytes).getLong();
    AdmissionCommand command =
        COMMANDS
            .deserializer()
            .deserialize(null, Arrays.copyOfRange(bytes, Long.BYTES, bytes.length));
    return new Parked((AdmissionCommand.Decide) command, requestedAtMs);
  }
}
