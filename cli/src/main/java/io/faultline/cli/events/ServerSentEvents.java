package io.faultline.cli.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Server-Sent Events wire format (WHATWG HTML, "event stream interpretation"), one line at a
 * time: {@code event:}, {@code id:} and {@code data:} fields (several data lines joined by
 * newlines), a blank line dispatching the event, {@code :} lines being comments (the platform's
 * keep-alives).
 */
final class ServerSentEvents {
  /** One dispatched event; {@code name} is {@code message} when the stream named none. */
  record Event(String id, String name, String data) {}

  private String id = "";
  private String name = "";
  private final List<String> data = new ArrayList<>();

  /** Feeds one line (without its line ending); an event when the line dispatches one. */
  Optional<Event> line(String line) {
    if (line.isEmpty()) {
      if (data.isEmpty() && name.isEmpty()) {
        return Optional.empty();
      }
      Event event = new Event(id, name.isEmpty() ? "message" : name, String.join("\n", data));
      name = "";
      data.clear();
      return Optional.of(event);
    }
    if (line.startsWith(":")) {
      return Optional.empty();
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> name = value;
      case "data" -> data.add(value);
      case "id" -> id = value;
      default -> {
        // retry and unknown fields: ignored, as the format says.
      }
    }
    return Optional.empty();
  }
}
