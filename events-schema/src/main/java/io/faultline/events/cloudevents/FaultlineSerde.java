package io.faultline.events.cloudevents;

import io.faultline.events.topics.Topic;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one topic's events (Kafka clients, Spring Kafka, Kafka Streams). Serializes in
 * binary content mode; deserializes both modes and throws {@link
 * io.faultline.events.validation.ContractViolationException} (a {@code SerializationException}) for
 * anything that breaks the contract. It cannot see the record key: compare keys in the consumer.
 */
public final class FaultlineSerde<T> implements Serde<FaultlineEvent<T>> {
  private final Topic<T> topic;
  private final EventCodec codec = EventCodec.standard();

  private FaultlineSerde(Topic<T> topic) {
    this.topic = topic;
  }

  public static <T> FaultlineSerde<T> of(Topic<T> topic) {
    return new FaultlineSerde<>(topic);
  }

  @Override
  public Serializer<FaultlineEvent<T>> serializer() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String ignoredTopic, FaultlineEvent<T> event) {
        return serialize(ignoredTopic, new RecordHeaders(), event);
      }

      @Override
      public byte[] serialize(String ignoredTopic, Headers headers, FaultlineEvent<T> event) {
        return event == null ? null : codec.encodeInto(topic, event, headers);
      }
    };
  }

  @Override
  public Deserializer<FaultlineEvent<T>> deserializer() {
    return new Deserializer<>() {
      @Override
      public FaultlineEvent<T> deserialize(String ignoredTopic, byte[] value) {
        return deserialize(ignoredTopic, new RecordHeaders(), value);
      }

      @Override
      public FaultlineEvent<T> deserialize(String ignoredTopic, Headers headers, byte[] value) {
        return codec.decodeValue(topic, headers, value);
      }
    };
  }
}
