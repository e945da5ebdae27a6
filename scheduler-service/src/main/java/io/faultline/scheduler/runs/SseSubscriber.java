package io.faultline.scheduler.runs;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client's event stream: a bounded queue the lifecycle reader fills without ever waiting, and a
 * virtual thread of its own that drains it into the client's connection. A slow client therefore
 * blocks nothing but its own thread; once it falls a whole queue behind it is dropped: the queue is
 * emptied and its thread sends a last {@code dropped} event and ends the stream.
 */
final class SseSubscriber {
  /** One event as sent: {@code id}, {@code event} (the stage) and {@code data} (JSON). */
  record Event(String id, String name, String json) {}

  /** Events sent in one write at most. */
  private static final int BATCH = 128;

  /** The queue's last entry once the client is dropped; nothing follows it. */
  private static final Event DROPPED = new Event("", "dropped", "");

  private final String tenantId;
  private final SseEmitter emitter;
  private final BlockingQueue<Event> queue;
  private final Duration heartbeat;
  private final Consumer<SseSubscriber> onGone;
  private final AtomicBoolean detached = new AtomicBoolean();
  private volatile Thread sender;

  /**
   * @param queueSize events that may wait for this client
   * @param heartbeat after this long without an event a comment is sent, which also finds a client
   *     that left (the write fails)
   * @param onGone called (from its thread) when sending fails: the client has gone
   */
  SseSubscriber(
      String tenantId,
      SseEmitter emitter,
      int queueSize,
      Duration heartbeat,
      Consumer<SseSubscriber> onGone) {
    this.tenantId = tenantId;
    this.emitter = emitter;
    this.queue = new ArrayBlockingQueue<>(queueSize + 1);
    this.heartbeat = heartbeat;
    this.onGone = onGone;
  }

  String tenantId() {
    return tenantId;
  }

  SseEmitter emitter() {
    return emitter;
  }

  /** Starts the client's own sender thread. */
  void start() {
    sender = Thread.ofVirtual().name("sse-" + tenantId).start(this::drain);
  }

  /**
   * Queues an event for the client without waiting. Called by the lifecycle reader only.
   *
   * @return false when the client is a whole queue behind (it should be dropped)
   */
  boolean offer(Event event) {
    // One slot is kept for DROPPED, so the reader can always queue it after emptying the queue.
    return queue.remainingCapacity() > 1 && queue.offer(event);
  }

  /**
   * Drops the client: what is queued is discarded, and its thread — once the send it may be stuck
   * in returns — sends a last {@code dropped} event and ends the stream. Called by the lifecycle
   * reader only.
   */
  void drop() {
    queue.clear();
    queue.offer(DROPPED);
  }

  /** Marks it removed from the subscriber list; true only the first time. */
  boolean detach() {
    return detached.compareAndSet(false, true);
  }

  /** The stream ended (completed, timed out or failed): its thread stops. */
  void stop() {
    Thread thread = sender;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void drain() {
    List<Event> batch = new ArrayList<>(BATCH);
    try {
      while (true) {
        Event first = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          emitter.send(SseEmitter.event().comment("keep-alive"));
          continue;
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        if (!send(batch)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // The stream ended; nothing more to send.
    } catch (IOException | IllegalStateException e) {
      // The client has gone, or the stream was completed meanwhile.
      onGone.accept(this);
    }
  }

  /**
   * Sends queued events in one write (a client that keeps up gets bursts at the speed of its
   * connection, not one flush per event).
   *
   * @return false once the stream ended with {@link #DROPPED}
   */
  private boolean send(List<Event> batch) throws IOException {
    Set<ResponseBodyEmitter.DataWithMediaType> items = new LinkedHashSet<>();
    for (Event event : batch) {
      if (event == DROPPED) {
        // What was queued was discarded with the client; only the notice goes.
        emitter.send(
            SseEmitter.event()
                .name("dropped")
                .data("the client read too slowly; events were lost; reconnect"));
        emitter.complete();
        return false;
      }
      items.addAll(
          SseEmitter.event()
              .id(event.id())
              .name(event.name())
              .data(event.json(), MediaType.APPLICATION_JSON)
              .build());
    }
    emitter.send(items);
    return true;
  }
}
