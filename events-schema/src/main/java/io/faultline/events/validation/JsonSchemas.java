package io.faultline.events.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schema 2020-12 validation of event data (networknt json-schema-validator), reporting every
 * violation with its JSON path and the keyword that failed.
 */
public final class JsonSchemas {
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .pathType(PathType.JSON_PATH)
          .formatAssertionsEnabled(true)
          .build();
  private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

  private JsonSchemas() {}

  /** Validates {@code data} against the schema at a classpath resource; empty when valid. */
  public static List<Violation> validate(String schemaResource, JsonNode data) {
    JsonSchema schema = CACHE.computeIfAbsent(schemaResource, JsonSchemas::load);
    return schema.validate(data).stream()
        .map(JsonSchemas::toViolation)
        .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::rule))
        .toList();
  }

  private static JsonSchema load(String resource) {
    try (InputStream in = JsonSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + resource);
      }
      return FACTORY.getSchema(in, CONFIG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Violation toViolation(ValidationMessage message) {
    String path = message.getInstanceLocation().toString();
    String rule = message.getType();
    // "required" and "additionalProperties" point at the parent object; name the property itself.
    if (message.getProperty() != null
        && (rule.equals("required") || rule.equals("additionalProperties"))) {
      path = path + "." + message.getProperty();
    }
    return new Violation(path, rule, message.getMessage());
  }
}
