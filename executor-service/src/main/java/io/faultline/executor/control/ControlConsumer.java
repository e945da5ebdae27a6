package io.faultline.executor.control;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.kafka.WholeTopicReader;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole controls topic on every executor ({@link WholeTopicReader}: all partitions, from
 * the beginning, then following it). {@link #awaitCaughtUp} lets start-up wait until the halt state
 * is known.
 *
 * <p>Nothing on the topic can stop it: a record it cannot read is counted as poison and skipped,
 * and a failed poll is retried with backoff while the reader reports itself stopped (readiness
 * down, {@link #isApplying} false, so the executor starts no new fault blind to halts).
 */
public final class ControlConsumer implements AutoCloseable {
  /** The reader's name in {@link ConsumerLiveness}. */
  public static final String READER = "controls";

  private static final Logger log = LoggerFactory.getLogger(ControlConsumer.class);

  private final Controls controls;
  private final PoisonRecords poison;
  private final WholeTopicReader reader;

  /**
   * @param meters receives the consumer's Kafka client metrics (tag {@code consumer=controls}), lag
   *     included
   */
  public ControlConsumer(
      KafkaClients kafka,
      Controls controls,
      MeterRegistry meters,
      PoisonRecords poison,
      ConsumerLiveness readers) {
    this.controls = controls;
    this.poison = poison;
    this.reader =
        new WholeTopicReader(
            kafka,
            new WholeTopicReader.Spec(
                READER, Topics.FAULT_CONTROLS.name(), "aborts and halts", true),
            this::apply,
            meters,
            poison,
            readers);
  }

  /** Waits until every control that existed at start-up has been applied. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return reader.awaitCaughtUp(timeout);
  }

  /** True while controls are read and applied: caught up at start and the last poll succeeded. */
  public boolean isApplying() {
    return reader.isApplying();
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      FaultlineEvent<FaultControl> event =
          EventCodec.standard()
              .decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), record.value());
      if (event != null) {
        log.info("control {} for {}", event.data().action(), event.data().key());
        controls.apply(event.data());
      } else if (controls.cleared(record.key())) {
        // A tombstone: the fault or run it aborted has ended (not poison).
        log.debug("control for {} tombstoned", record.key());
      } else {
        poison.skipped(
            record.topic(),
            record.partition(),
            record.offset(),
            new IllegalArgumentException("a tombstone for no control scope: " + record.key()));
      }
    } catch (RuntimeException e) {
      // Contract violations and anything else a hostile record provokes: never the consumer's end.
      poison.skipped(record.topic(), record.partition(), record.offset(), e);
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
