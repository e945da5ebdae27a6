package io.faultline.events.signing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The bytes a fault request's signature covers (canonical form {@code faultline-request-v1}, ADR
 * 0008): UTF-8, one {@code name=value} line per item, each ending in LF, in this order:
 *
 * <pre>
 * faultline-request-v1
 * id=&lt;ce_id&gt;
 * type=&lt;ce_type&gt;
 * subject=&lt;ce_subject&gt;
 * time=&lt;ce_time&gt;
 * tenant=&lt;the request's tenantId&gt;
 * data-sha256=&lt;lowercase hex SHA-256 of the record value&gt;
 * </pre>
 *
 * Attributes are taken exactly as sent, so {@code printf} and {@code openssl dgst} can build the
 * same bytes (docs/events.md has the recipe).
 */
public record CanonicalRequest(
    String id, String type, String subject, String time, String tenant, String dataSha256) {
  public static final String VERSION = "faultline-request-v1";

  public CanonicalRequest {
    require("id", id);
    require("type", type);
    require("subject", subject);
    require("time", time);
    require("tenant", tenant);
    require("data-sha256", dataSha256);
  }

  /**
   * The canonical form of a binary-mode request record.
   *
   * @throws IllegalArgumentException naming the header when {@code ce_id}, {@code ce_type}, {@code
   *     ce_subject} or {@code ce_time} is missing, or a value holds a line break
   */
  public static CanonicalRequest of(Headers headers, byte[] data, String tenant) {
    return new CanonicalRequest(
        header(headers, "ce_id"),
        header(headers, "ce_type"),
        header(headers, "ce_subject"),
        header(headers, "ce_time"),
        tenant,
        sha256(data == null ? new byte[0] : data));
  }

  /** The signed bytes. */
  public byte[] bytes() {
    return text().getBytes(StandardCharsets.UTF_8);
  }

  public String text() {
    return VERSION
        + "\nid="
        + id
        + "\ntype="
        + type
        + "\nsubject="
        + subject
        + "\ntime="
        + time
        + "\ntenant="
        + tenant
        + "\ndata-sha256="
        + dataSha256
        + "\n";
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null) {
      throw new IllegalArgumentException(
          "a signed request needs the header " + name + "; it is missing");
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static void require(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the signed " + name + " is missing");
    }
    // One value per line: a line break would let one attribute pose as the next.
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("the signed " + name + " holds a line break");
    }
  }
}
