package io.faultline.policy.kafka;

import io.faultline.telemetry.kafka.PoisonRecords;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' second net under the service's own per-record guards: a record Streams cannot
 * deserialize, or one a processor throws on, is counted and logged once through {@link
 * PoisonRecords} and skipped, never failing the stream thread. Streams builds these handlers from
 * class names, so the {@link PoisonRecords} instance travels in the configuration under {@value
 * #POISON_RECORDS_CONFIG} (an object, not a string) and is picked up in {@code configure}.
 */
public final class PoisonHandlers {
  private PoisonHandlers() {}

  /** The configuration entry holding the {@link PoisonRecords} the handlers report to. */
  public static final String POISON_RECORDS_CONFIG = "faultline.poison.records";

  /** Sets both handlers in a Streams configuration, reporting to {@code poison}. */
  public static Properties install(Properties settings, PoisonRecords poison) {
    settings.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        SkipPoisonOnDeserialization.class.getName());
    settings.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        SkipPoisonOnProcessing.class.getName());
    settings.put(POISON_RECORDS_CONFIG, poison);
    return settings;
  }

  static PoisonRecords poisonRecords(Map<String, ?> configs) {
    if (configs.get(POISON_RECORDS_CONFIG) instanceof PoisonRecords poison) {
      return poison;
    }
    throw new ConfigException(
        POISON_RECORDS_CONFIG
            + " must hold the PoisonRecords instance: use PoisonHandlers.install(...)");
  }

  /** A record whose key or value cannot be deserialized: counted, logged and skipped. */
  public static final class SkipPoisonOnDeserialization implements DeserializationExceptionHandler {
    private PoisonRecords poison;

    @Override
    public void configure(Map<String, ?> configs) {
      poison = poisonRecords(configs);
    }

    @Override
    public Response handleError(
        ErrorHandlerContext context,
        org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
        Exception exception) {
      poison.skipped(record.topic(), record.partition(), record.offset(), exception);
      return Response.resume();
    }
  }

  /**
   * A processor threw on a record: counted, logged and skipped. Kafka Streams' own failures (a
   * fenced producer, a migrated task) never reach this handler. An exception thrown by a
   * punctuation has no record; it is logged and the punctuation runs again at its next interval.
   */
  public static final class SkipPoisonOnProcessing implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(SkipPoisonOnProcessing.class);
    private PoisonRecords poison;

    @Override
    public void configure(Map<String, ?> configs) {
      poison = poisonRecords(configs);
    }

    @Override
    public Response handleError(
        ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      if (context.topic() == null) {
        log.error(
            "punctuation of {} in task {} failed; it runs again at its next interval",
            context.processorNodeId(),
            context.taskId(),
            exception);
      } else {
        poison.skipped(context.topic(), context.partition(), context.offset(), exception);
      }
      return Response.resume();
    }
  }
}
