package io.faultline.policy.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.events.cloudevents.Json;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON for the admission log (an internal topic). Its data was validated at intake, so it is bound
 * without the schema check again; requests still pass the fault catalogue on binding.
 */
final class CommandSerde implements Serde<AdmissionCommand> {
  private static final ObjectMapper MAPPER = Json.mapper();

  @Override
  public Serializer<AdmissionCommand> serializer() {
    return (topic, command) -> {
      try {
        return command == null ? null : MAPPER.writeValueAsBytes(command);
      } catch (IOException e) {
        throw new SerializationException("cannot write admission command", e);
      }
    };
  }

  @Override
  public Deserializer<AdmissionCommand> deserializer() {
    return (topic, bytes) -> {
      try {
        return bytes == null ? null : MAPPER.readValue(bytes, AdmissionCommand.class);
      } catch (IOException | RuntimeException e) {
        // Streams hands this to the deserialization exception handler: counted, skipped.
        throw new SerializationException("cannot read admission command", e);
      }
    };
  }
}
