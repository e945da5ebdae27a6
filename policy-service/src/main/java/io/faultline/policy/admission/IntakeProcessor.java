package io.faultline.policy.admission;

import io.faultline.telemetry.kafka.PoisonRecords;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads one input topic into admission commands. Whatever a record holds, reading it never stops
 * the stream: any exception while reading it makes it poison, counted and logged once with its
 * topic, partition and offset ({@link PoisonRecords}), then skipped or turned into something else
 * by {@link #unreadable}. Only the reading is guarded: forwarding is not, so Kafka Streams' own
 * failures (a fenced producer, a migrated task) still reach Kafka Streams.
 */
abstract class IntakeProcessor extends ContextualProcessor<String, byte[], String, Intake> {
  private final PoisonRecords poison;

  IntakeProcessor(PoisonRecords poison) {
    this.poison = poison;
  }

  @Override
  public final void process(Record<String, byte[]> record) {
    Intake intake;
    try {
      intake = read(record);
    } catch (RuntimeException e) {
      RecordMetadata source = context().recordMetadata().orElse(null);
      poison.skipped(
          source == null ? "unknown" : source.topic(),
          source == null ? -1 : source.partition(),
          source == null ? -1 : source.offset(),
          e);
      intake = unreadable(record, e);
    }
    switch (intake) {
      case null -> {}
      case AdmissionCommand command -> forward(command, record.timestamp());
      case Intake.Commands commands ->
          commands.commands().forEach(command -> forward(command, record.timestamp()));
      case DeadLetter letter -> context().forward(deadLetter(record, letter));
    }
  }

  /** Keyed by its tenant, or as a command for every partition (ADR 0012). */
  private void forward(AdmissionCommand command, long timestamp) {
    context()
        .forward(
            new Record<String, Intake>(
                AdmissionLog.keyOf(command), command, timestamp, new RecordHeaders()));
  }

  /**
   * What the record tells admission, or null when it tells nothing (a control admission ignores,
   * the service's own lifecycle events).
   *
   * @throws RuntimeException of any kind when the record cannot be read
   */
  abstract Intake read(Record<String, byte[]> record);

  /** What to make of a record {@link #read} refused (already counted); null skips it. */
  Intake unreadable(Record<String, byte[]> record, RuntimeException cause) {
    return null;
  }

  /** The record as received, its error in {@code faultline.error.*} headers. */
  private Record<String, Intake> deadLetter(Record<String, byte[]> record, DeadLetter letter) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add("faultline.error.reason", bytes(letter.reason()));
    headers.add("faultline.error.violations", bytes(letter.violations()));
    context()
        .recordMetadata()
        .ifPresent(
            m -> {
              headers.add("faultline.error.topic", bytes(m.topic()));
              headers.add("faultline.error.partition", bytes(Integer.toString(m.partition())));
              headers.add("faultline.error.offset", bytes(Long.toString(m.offset())));
            });
    return new Record<>(record.key(), letter, record.timestamp(), headers);
  }

  /**
   * The text of header {@code name}, null when the record has none.
   *
   * @throws IllegalArgumentException when the header is there without a value
   */
  static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null) {
      return null;
    }
    if (header.value() == null) {
      throw new IllegalArgumentException("header " + name + " has no value");
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Refuses a record carrying a header without a value, as the codec does (rule {@code
   * header.<name>}), for readers that do not hand every record to the codec.
   */
  static void requireHeaderValues(Headers headers) {
    for (Header header : headers) {
      if (header.value() == null) {
        throw new IllegalArgumentException("header " + header.key() + " has no value");
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
