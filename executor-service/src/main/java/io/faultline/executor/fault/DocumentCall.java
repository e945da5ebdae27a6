package io.faultline.executor.fault;

import io.faultline.executor.fault.document.SsmDocument;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One invocation of an SSM document with its parameters. Construction validates the parameters
 * against the document's own {@code allowedPattern}s, so an invalid value can never reach a
 * transport (and so never a shell). Equal calls are batched into one command.
 */
public record DocumentCall(SsmDocument document, Map<String, String> parameters) {
  public DocumentCall {
    Objects.requireNonNull(document, "document");
    parameters = Map.copyOf(new LinkedHashMap<>(parameters));
    document.validate(parameters);
  }

  /** The {@code Action} parameter: {@code inject} or {@code rollback}. */
  public String action() {
    return parameters.getOrDefault("Action", "");
  }

  /** The common parameters of every Faultline document. */
  public static Map<String, String> common(String action, FaultContext context, Timing timing) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("Action", action);
    values.put("FaultId", context.faultId().value());
    values.put("DurationSeconds", Integer.toString(timing.durationSeconds()));
    values.put("TraceId", context.traceId());
    return values;
  }
}
