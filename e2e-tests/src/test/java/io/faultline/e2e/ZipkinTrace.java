package io.faultline.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.testsupport.ZipkinServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One trace as Zipkin's v2 API returns it ({@code GET /api/v2/trace/{id}}): a flat list of spans
 * linked by {@code parentId}. Zipkin lower-cases span and service names.
 */
record ZipkinTrace(String traceId, List<Span> spans) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One Zipkin v2 span: the fields the tests assert. */
  record Span(
      String traceId,
      String id,
      String parentId,
      String name,
      String kind,
      String serviceName,
      Map<String, String> tags) {

    boolean isRoot() {
      return parentId == null;
    }

    String tag(String key) {
      return tags.get(key);
    }

    @Override
    public String toString() {
      return serviceName + ":" + name + "[" + id + "<-" + parentId + "]";
    }
  }

  /** The trace, or an empty one when Zipkin does not know it yet. */
  static ZipkinTrace fetch(ZipkinServer zipkin, String traceId) {
    return zipkin
        .trace(traceId)
        .map(json -> parse(traceId, json))
        .orElse(new ZipkinTrace(traceId, List.of()));
  }

  static ZipkinTrace parse(String traceId, String json) {
    try {
      List<Span> spans = new ArrayList<>();
      for (JsonNode node : JSON.readTree(json)) {
        Map<String, String> tags = new LinkedHashMap<>();
        node.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        spans.add(
            new Span(
                node.path("traceId").asText(),
                node.path("id").asText(),
                node.hasNonNull("parentId") ? node.get("parentId").asText() : null,
                node.path("name").asText("").toLowerCase(Locale.ROOT),
                node.hasNonNull("kind") ? node.get("kind").asText() : "INTERNAL",
                node.path("localEndpoint").path("serviceName").asText("").toLowerCase(Locale.ROOT),
                Map.copyOf(tags)));
      }
      return new ZipkinTrace(traceId, List.copyOf(spans));
    } catch (IOException e) {
      throw new UncheckedIOException("Zipkin answered JSON that is not a v2 trace: " + json, e);
    }
  }

  List<Span> named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return spans.stream().filter(s -> s.name().equals(wanted)).toList();
  }

  /** The only span with that name; fails naming what the trace holds otherwise. */
  Span single(String name) {
    List<Span> found = named(name);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected exactly one span '"
              + name
              + "' in trace "
              + traceId
              + ", found "
              + found.size()
              + "; the trace holds: "
              + outline());
    }
    return found.get(0);
  }

  Optional<Span> byId(String id) {
    return spans.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  List<Span> childrenOf(Span parent) {
    return spans.stream().filter(s -> parent.id().equals(s.parentId())).toList();
  }

  List<Span> roots() {
    return spans.stream().filter(Span::isRoot).toList();
  }

  /** The span tree as indented text, for failure messages and logs. */
  String outline() {
    if (spans.isEmpty()) {
      return "(no spans)";
    }
    StringBuilder text = new StringBuilder();
    List<Span> tops =
        spans.stream().filter(s -> s.isRoot() || byId(s.parentId()).isEmpty()).toList();
    for (Span top : tops) {
      append(text, top, 0);
    }
    return text.toString();
  }

  private void append(StringBuilder text, Span span, int depth) {
    text.append('\n')
        .append("  ".repeat(depth + 1))
        .append(span)
        .append(' ')
        .append(
            span.tags().entrySet().stream()
                .filter(e -> e.getKey().startsWith("faultline.") || e.getKey().startsWith("cloud."))
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .collect(Collectors.joining(", ", "{", "}")));
    for (Span child : childrenOf(span)) {
      append(text, child, depth + 1);
    }
  }
}
