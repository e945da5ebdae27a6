package io.faultline.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORGenerator;

/**
 * Emulator plumbing for the local platform and the tests, never in front of AWS itself: the AWS SDK
 * (2.41) speaks CloudWatch in the Smithy RPC v2 CBOR protocol, which moto 5.2.1 does not route
 * (HTTP 404); moto answers CloudWatch's other protocol, awsJson1_0. This loopback proxy in front of
 * moto turns a CBOR call into the same call in JSON (same operation, same fields, the caller's
 * signature headers, so moto still picks the account from the assumed-role credentials) and the
 * JSON answer back into CBOR; every other request is passed through as it is. Uses the CBOR codec
 * the SDK itself ships. {@code ./faultline-local} gives its executor this bridge as the AWS
 * endpoint (local-platform takes this one class from test-support, nothing else of it); the tests
 * put it in front of moto the same way.
 */
public final class CloudWatchJsonBridge implements AutoCloseable {
  private static final String CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/";
  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");
  private static final JsonFactory JSON = new JsonFactory();
  private static final CBORFactory CBOR = new CBORFactory();

  private final URI moto;
  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  public CloudWatchJsonBridge(URI moto) {
    this.moto = moto;
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  /** The endpoint to give the SDK instead of moto's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      boolean cbor = path.startsWith(CBOR_PATH);
      String query = exchange.getRequestURI().getRawQuery();
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(
              moto.resolve(cbor ? "/" : path + (query == null ? "" : "?" + query)));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                String lower = name.toLowerCase(java.util.Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower)
                    && !(cbor && (lower.equals("content-type") || lower.equals("accept")))) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      if (cbor) {
        forward
            .header("Content-Type", "application/x-amz-json-1.0")
            .header(
                "X-Amz-Target",
                "GraniteServiceVersion20100801." + path.substring(CBOR_PATH.length()));
        body = body.length == 0 ? "{}".getBytes() : cborToJson(body);
      }
      HttpResponse<byte[]> answer;
      try {
        answer =
            client.send(
                forward
                    .method(
                        exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      byte[] out = answer.body();
      if (cbor) {
        out = out.length == 0 ? out : jsonToCbor(out);
        exchange.getResponseHeaders().set("Content-Type", "application/cbor");
        exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
      } else {
        answer
            .headers()
            .map()
            .forEach(
                (name, values) -> {
                  if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))
                      && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                  }
                });
      }
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream stream = exchange.getResponseBody()) {
          stream.write(out);
        }
      }
    }
  }

  private static byte[] cborToJson(byte[] cbor) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonParser in = CBOR.createParser(cbor);
        JsonGenerator json = JSON.createGenerator(out)) {
      while (in.nextToken() != null) {
        json.copyCurrentEvent(in);
      }
    }
    return out.toByteArray();
  }

  private static byte[] jsonToCbor(byte[] json) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonParser in = JSON.createParser(json);
        CBORGenerator cbor = CBOR.createGenerator(out)) {
      String field = null;
      for (JsonToken token = in.nextToken(); token != null; token = in.nextToken()) {
        if (token == JsonToken.FIELD_NAME) {
          field = in.currentName();
        } else if (token.isNumeric()
            && field != null
            && (field.endsWith("Timestamp") || field.equals("Timestamps"))) {
          cbor.writeTag(1); // RPC v2 CBOR timestamps are epoch seconds tagged 1
        }
        cbor.copyCurrentEvent(in);
      }
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
