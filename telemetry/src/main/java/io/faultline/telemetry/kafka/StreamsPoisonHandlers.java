package io.faultline.telemetry.kafka;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handlers that count a record they cannot deserialize or process as poison
 * ({@link PoisonRecords}: counted, logged once with topic, partition and offset) and go on with the
 * next one, so no record stops a stream thread. Streams creates them by class name; they find the
 * service's {@link PoisonRecords} under {@link #POISON_RECORDS_CONFIG} in the Streams
 * configuration.
 */
public final class StreamsPoisonHandlers {
  /** Streams configuration entry holding the {@link PoisonRecords} instance the handlers use. */
  public static final String POISON_RECORDS_CONFIG = "faultline.poison-records";

  private static final Logger log = LoggerFactory.getLogger(StreamsPoisonHandlers.class);

  private StreamsPoisonHandlers() {}

  /** The Streams settings that install both handlers with {@code poison}. */
  public static Map<String, Object> settings(PoisonRecords poison) {
    return Map.of(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        Deserialization.class.getName(),
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        Processing.class.getName(),
        POISON_RECORDS_CONFIG,
        poison);
  }

  private static PoisonRecords poisonRecords(Map<String, ?> configs) {
    if (configs.get(POISON_RECORDS_CONFIG) instanceof PoisonRecords poison) {
      return poison;
    }
    throw new ConfigException(
        POISON_RECORDS_CONFIG, configs.get(POISON_RECORDS_CONFIG), "must be a PoisonRecords");
  }

  /** A record whose key or value cannot be deserialized: counted, skipped. */
  public static final class Deserialization implements DeserializationExceptionHandler {
    private PoisonRecords poison;

    @Override
    public void configure(Map<String, ?> configs) {
      poison = poisonRecords(configs);
    }

    @Override
    public Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
      poison.skipped(record.topic(), record.partition(), record.offset(), exception);
      return Response.resume();
    }
  }

  /**
   * A record a processor threw on: counted, skipped. A {@link StreamsException} (a state store or
   * the producer failed, not the record) still fails the task, so exactly-once aborts and retries
   * the record rather than losing a valid one; the engine replaces the thread. A punctuation that
   * threw (no input record) is logged and retried at its next run.
   */
  public static final class Processing implements ProcessingExceptionHandler {
    private PoisonRecords poison;

    @Override
    public void configure(Map<String, ?> configs) {
      poison = poisonRecords(configs);
    }

    @Override
    public Response handleError(
        ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      if (exception instanceof StreamsException) {
        return Response.fail();
      }
      if (record == null || context.topic() == null) {
        log.error(
            "punctuation of {} failed; it runs again at its next interval",
            context.processorNodeId(),
            exception);
        return Response.resume();
      }
      poison.skipped(context.topic(), context.partition(), context.offset(), exception);
      return Response.resume();
    }
  }
}
