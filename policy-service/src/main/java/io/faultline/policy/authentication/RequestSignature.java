package io.faultline.policy.authentication;

import io.faultline.events.signing.CanonicalRequest;
import io.faultline.events.signing.RequestSigner;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A request's signature as intake read it, carried to admission on the admission log: the detached
 * JWS from {@code ce_faultlinesig}, the canonical bytes it should cover, and the request's
 * CloudEvents source (the platform key is accepted from the scheduler's source only).
 *
 * @param canonical null exactly when {@code unreadable} says why it could not be built
 */
public record RequestSignature(
    String jws, CanonicalRequest canonical, String source, String unreadable) {

  /**
   * The signature of a binary-mode request of {@code tenant}; null when it carries none.
   *
   * @param structured whether the record is a structured-mode event (which cannot be signed yet)
   */
  public static RequestSignature of(
      Headers headers, byte[] value, String tenant, String source, boolean structured) {
    Header header = headers.lastHeader(RequestSigner.HEADER);
    if (header == null || header.value() == null) {
      return null;
    }
    String jws = new String(header.value(), StandardCharsets.US_ASCII);
    if (structured) {
      return new RequestSignature(
          jws, null, source, "signed requests must use binary content mode (ce_* headers)");
    }
    try {
      return new RequestSignature(jws, CanonicalRequest.of(headers, value, tenant), source, null);
    } catch (IllegalArgumentException e) {
      return new RequestSignature(jws, null, source, e.getMessage());
    }
  }
}
