package io.faultline.cli.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.cli.CliException;
import io.faultline.cli.ExitCode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A fault request as the CLI builds it: the JSON of {@code --file} (the contract's {@code
 * fault-requested.v1} data), flags laid over it, and what the publisher may leave out filled in
 * ({@code faultId}, {@code requestedAt}, {@code requestedBy}); then validated like the platform
 * validates it (JSON Schema and fault catalogue), every violation naming its field and rule.
 */
final class RequestDocument {
  private final ObjectNode node;

  private RequestDocument(ObjectNode node) {
    this.node = node;
  }

  static RequestDocument of(Path file) {
    if (file == null) {
      return new RequestDocument(Json.mapper().createObjectNode());
    }
    JsonNode read;
    try {
      read = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new CliException(
          ExitCode.INVALID_DATA,
          "--file " + file + " is not a JSON document: " + firstLine(e.getMessage()));
    }
    if (read == null || !read.isObject()) {
      throw new CliException(
          ExitCode.INVALID_DATA, "--file " + file + " must hold one JSON object (rule: type)");
    }
    return new RequestDocument((ObjectNode) read);
  }

  /** Sets a text field when {@code value} is given. */
  RequestDocument set(String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
    return this;
  }

  RequestDocument dryRun(boolean dryRun) {
    if (dryRun) {
      node.put("dryRun", true);
    }
    return this;
  }

  /** Adds tunables over the file's (values as text; the catalogue reads numbers from text). */
  RequestDocument parameters(Map<String, String> parameters) {
    if (!parameters.isEmpty()) {
      JsonNode existing = node.get("parameters");
      ObjectNode merged =
          existing != null && existing.isObject()
              ? (ObjectNode) existing
              : node.putObject("parameters");
      parameters.forEach(merged::put);
    }
    return this;
  }

  /** Fills what a publisher may leave out. */
  RequestDocument withDefaults(String requestedBy, Clock clock) {
    if (!node.hasNonNull("faultId")) {
      node.put("faultId", "cli-" + UUID.randomUUID());
    }
    if (!node.hasNonNull("requestedBy")) {
      node.put("requestedBy", requestedBy);
    }
    if (!node.hasNonNull("requestedAt")) {
      node.put("requestedAt", clock.instant().toString());
    }
    if (!node.has("parameters")) {
      node.putObject("parameters");
    }
    return this;
  }

  /**
   * The request, validated.
   *
   * @throws CliException {@link ExitCode#INVALID_DATA} listing every violation
   */
  FaultRequested validate() {
    List<Violation> violations =
        EventCodec.standard().validateData(EventFamily.FAULT_REQUESTED, node);
    if (!violations.isEmpty()) {
      throw invalid(violations);
    }
    try {
      return Json.mapper().treeToValue(node, FaultRequested.class);
    } catch (IOException | IllegalArgumentException e) {
      ContractViolationException contract = cause(e, ContractViolationException.class);
      if (contract != null) {
        throw invalid(contract.violations());
      }
      throw new CliException(
          ExitCode.INVALID_DATA, "the request is invalid: " + firstLine(e.getMessage()));
    }
  }

  private static CliException invalid(List<Violation> violations) {
    StringBuilder message =
        new StringBuilder("the request breaks the contract (")
            .append(violations.size())
            .append(violations.size() == 1 ? " violation" : " violations")
            .append("):");
    for (Violation v : violations) {
      message
          .append(System.lineSeparator())
          .append("  ")
          .append(v.path())
          .append(" [")
          .append(v.rule())
          .append("] ")
          .append(v.message());
    }
    return new CliException(ExitCode.INVALID_DATA, message.toString());
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
