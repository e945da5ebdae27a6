package io.faultline.executor.aws;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Look-ups by id (DescribeInstances, DescribeInstanceInformation) of one assumed-role session,
 * coalesced: while a call is in flight, the look-ups that arrive wait and then go out together as
 * one call of at most {@code maxIds} ids, and each caller gets back only the values of its own ids.
 * An idle session calls at once (no added latency); under load thousands of faults of one account
 * cost a few calls instead of one each (issue 16: the executor's CPU per fault was mostly the SDK's
 * per-call work). Every answer still comes from a call started after the look-up was asked, so
 * nothing is served from a cache.
 *
 * @param <V> what the call returns for an id (the instance, or the id of an online instance)
 */
final class CoalescedLookup<V> {
  private final int maxIds;
  private final Function<V, String> idOf;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock: whether a call is running, and the batch that goes out when it is done.
  private boolean inFlight;
  private Batch<V> waiting;

  /**
   * @param maxIds the most ids one call carries (the API's filter limit)
   * @param idOf the id a returned value answers
   */
  CoalescedLookup(int maxIds, Function<V, String> idOf) {
    this.maxIds = maxIds;
    this.idOf = idOf;
  }

  /**
   * The values of {@code ids}, from {@code call} made with them and possibly other callers' ids. A
   * failed call fails every caller of its batch with the call's exception.
   */
  List<V> lookup(List<String> ids, Function<List<String>, List<V>> call) {
    if (ids.size() > maxIds) {
      return call.apply(ids);
    }
    Batch<V> batch;
    boolean leads;
    lock.lock();
    try {
      if (!inFlight) {
        inFlight = true;
        batch = new Batch<>(ids);
        batch.turn.complete(null);
        leads = true;
      } else if (waiting == null) {
        waiting = new Batch<>(ids);
        batch = waiting;
        leads = true;
      } else if (waiting != null && waiting.ids.size() + ids.size() <= maxIds) {
        waiting.ids.addAll(ids);
        batch = waiting;
        leads = false;
      } else {
        // Too many to join: asked on its own, as before coalescing.
        batch = null;
        leads = false;
      }
    } finally {
      lock.unlock();
    }
    if (batch == null) {
      return call.apply(ids);
    }
    if (leads) {
      // Bounded by the call in flight (the SDK's call timeout and retries).
      batch.turn.join();
      try {
        batch.result.complete(call.apply(List.copyOf(batch.ids)));
      } catch (RuntimeException e) {
        batch.result.completeExceptionally(e);
      } catch (Error e) {
        batch.result.completeExceptionally(e);
        throw e;
      } finally {
        passTurn();
      }
    }
    return mine(batch, ids);
  }

  /** How many ids wait for the call in flight to end (tests). */
  int waitingIds() {
    lock.lock();
    try {
      return waiting == null ? 0 : waiting.ids.size();
    } finally {
      lock.unlock();
    }
  }

  /** The call is done: the waiting batch goes out next (its leader calls), or the session idles. */
  private void passTurn() {
    Batch<V> next;
    lock.lock();
    try {
      next = waiting;
      waiting = null;
      inFlight = next != null;
    } finally {
      lock.unlock();
    }
    if (next != null) {
      next.turn.complete(null);
    }
  }

  private List<V> mine(Batch<V> batch, List<String> ids) {
    List<V> all;
    try {
      all = batch.result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
    Set<String> wanted = Set.copyOf(ids);
    List<V> own = new ArrayList<>();
    for (V value : all) {
      if (wanted.contains(idOf.apply(value))) {
        own.add(value);
      }
    }
    return own;
  }

  /** Ids that go out in one call; its first caller makes the call when its turn comes. */
  private static final class Batch<V> {
    final Set<String> ids;
    final CompletableFuture<Void> turn = new CompletableFuture<>();
    final CompletableFuture<List<V>> result = new CompletableFuture<>();

    Batch(List<String> ids) {
      this.ids = new LinkedHashSet<>(ids);
    }
  }
}
