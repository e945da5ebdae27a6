package io.faultline.policy.kafka;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one Kafka Streams application of the service runs, reported to {@link ConsumerLiveness}
 * under its name: running while its state is {@code RUNNING} or {@code REBALANCING}, stopped in any
 * other state, and stopped from the moment a stream thread dies until its replacement has joined
 * and the application is {@code RUNNING} again. A dying thread is replaced ({@code
 * REPLACE_THREAD}), logged and counted in {@value #THREAD_FAILURES} ({@code
 * faultline_policy_stream_thread_failures_total}), so a thread that keeps failing shows.
 */
public final class StreamsLiveness
    implements KafkaStreams.StateListener, StreamsUncaughtExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(StreamsLiveness.class);
  public static final String THREAD_FAILURES = "faultline.policy.stream.thread.failures";

  private final String name;
  private final ConsumerLiveness liveness;
  private final Counter threadFailuresMetric;
  private final AtomicLong threadFailures = new AtomicLong();
  private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
  private volatile boolean replacingThread;

  public StreamsLiveness(String name, ConsumerLiveness liveness, MeterRegistry registry) {
    this.name = name;
    this.liveness = liveness;
    this.threadFailuresMetric =
        Counter.builder(THREAD_FAILURES)
            .description("Stream threads that died and were replaced")
            .tag("application", name)
            .register(registry);
    liveness.stopped(name, "not started");
  }

  /** Watches {@code streams}: call before it starts. */
  public void watch(KafkaStreams streams) {
    streams.setStateListener(this);
    streams.setUncaughtExceptionHandler(this);
  }

  @Override
  public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
    state = newState;
    switch (newState) {
      case RUNNING -> {
        replacingThread = false;
        liveness.running(name);
      }
      case REBALANCING -> {
        if (!replacingThread) {
          liveness.running(name);
        }
      }
      default -> liveness.stopped(name, "streams " + newState);
    }
  }

  @Override
  public StreamThreadExceptionResponse handle(Throwable failure) {
    replacingThread = true;
    threadFailures.incrementAndGet();
    threadFailuresMetric.increment();
    liveness.stopped(
        name,
        "stream thread "
            + Thread.currentThread().getName()
            + " failed, being replaced: "
            + PoisonRecords.describe(failure));
    log.error("{} stream thread failed; replacing it", name, failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** Running or rebalancing, and no dead stream thread waiting for its replacement. */
  public boolean up() {
    return (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING)
        && !replacingThread;
  }

  public KafkaStreams.State state() {
    return state;
  }

  /** Stream threads that died since start. */
  public long threadFailures() {
    return threadFailures.get();
  }

  public String name() {
    return name;
  }
}
