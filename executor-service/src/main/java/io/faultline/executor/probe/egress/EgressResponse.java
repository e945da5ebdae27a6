package io.faultline.executor.probe.egress;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

/**
 * What an allowed request answered.
 *
 * @param status the HTTP status code (a redirect is an answer, never followed)
 * @param latencyMs from the start of the connection to the end of what was read of the body
 * @param body at most {@link EgressClient#MAX_BODY_BYTES} bytes of the body (empty for HEAD)
 * @param truncated whether the body went on beyond them (the rest was never read)
 */
public record EgressResponse(int status, long latencyMs, byte[] body, boolean truncated) {
  public EgressResponse {
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body read as UTF-8 (malformed bytes replaced). */
  public String text() {
    return new String(body, UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EgressResponse that
        && status == that.status
        && latencyMs == that.latencyMs
        && truncated == that.truncated
        && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return 31 * Integer.hashCode(status) + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "EgressResponse[status="
        + status
        + ", latencyMs="
        + latencyMs
        + ", bodyBytes="
        + body.length
        + ", truncated="
        + truncated
        + "]";
  }
}
