package io.faultline.events.cloudevents;

import io.faultline.events.validation.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The first check of every record read: every header has a value (Kafka allows a null one; kcat
 * writes it for {@code -H name} without {@code =}), and the CloudEvents headers are UTF-8 text.
 */
final class HeaderChecks {
  private HeaderChecks() {}

  /** Empty when the headers are readable; otherwise one violation per header, naming it. */
  static List<Violation> violations(Headers headers) {
    List<Violation> violations = new ArrayList<>();
    if (headers == null) {
      return violations;
    }
    for (Header header : headers) {
      String name = header.key() == null ? "" : header.key();
      if (header.value() == null) {
        violations.add(
            new Violation("header." + name, "value", "header '" + name + "' has no value"));
      } else if (isCloudEventsHeader(name) && !isUtf8(header.value())) {
        violations.add(
            new Violation("header." + name, "utf8", "header '" + name + "' is not UTF-8 text"));
      }
    }
    return violations;
  }

  private static boolean isCloudEventsHeader(String name) {
    return name.startsWith("ce_") || name.equals("content-type") || name.equals("traceparent");
  }

  private static boolean isUtf8(byte[] bytes) {
    // Every record passes here: plain ASCII (the usual case) needs no decoder.
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return true;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
