package io.faultline.executor.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BENCHMARK ONLY — not an AWS emulator. A tiny in-process HTTP server answering just the calls an
 * executor makes for ec2-process-kill (STS AssumeRole, EC2 DescribeInstances, SSM DescribeDocument
 * / DescribeInstanceInformation / SendCommand / GetCommandInvocation) with fixed, always-successful
 * answers, so the harness measures the executor rather than moto's speed.
 */
final class AwsStub implements AutoCloseable {
  private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8,17}");
  private final HttpServer server;
  final AtomicLong unknown = new AtomicLong();

  AwsStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    String response;
    String type;
    if (target != null) {
      type = "application/x-amz-json-1.1";
      response = json(target.substring(target.indexOf('.') + 1), body);
    } else {
      type = "text/xml";
      response = query(form(body));
    }
    if (response == null) {
      unknown.incrementAndGet();
      exchange.sendResponseHeaders(400, -1);
      exchange.close();
      return;
    }
    byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static String query(Map<String, String> form) {
    String action = form.getOrDefault("Action", "");
    return switch (action) {
      case "AssumeRole" ->
          "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
              + "<AssumeRoleResult><Credentials><AccessKeyId>ASIASTUB"
              + UUID.randomUUID().toString().substring(0, 8).toUpperCase()
              + "</AccessKeyId><SecretAccessKey>stub</SecretAccessKey><SessionToken>stub"
              + "</SessionToken><Expiration>"
              + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
              + "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::000000000000:"
              + "assumed-role/stub/stub</Arn><AssumedRoleId>AROASTUB:stub</AssumedRoleId>"
              + "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId>"
              + "</ResponseMetadata></AssumeRoleResponse>";
      case "DescribeInstances" -> {
        StringBuilder items = new StringBuilder();
        form.forEach(
            (k, v) -> {
              if (k.startsWith("Filter.") && k.contains(".Value.") && v.startsWith("i-")) {
                items
                    .append("<item><instanceId>")
                    .append(v)
                    .append("</instanceId><instanceState><code>16</code><name>running</name>")
                    .append("</instanceState><tagSet><item><key>app</key><value>bench</value>")
                    .append("</item></tagSet></item>");
              }
            });
        yield "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
            + "<requestId>1</requestId><reservationSet><item><reservationId>r-1</reservationId>"
            + "<instancesSet>"
            + items
            + "</instancesSet></item></reservationSet></DescribeInstancesResponse>";
      }
      default -> null;
    };
  }

  private static String json(String operation, String body) {
    return switch (operation) {
      case "DescribeDocument" -> "{\"Document\":{\"Name\":\"stub\",\"DocumentVersion\":\"1\"}}";
      case "DescribeInstanceInformation" -> {
        StringBuilder list = new StringBuilder();
        Matcher m = INSTANCE.matcher(body);
        while (m.find()) {
          if (!list.isEmpty()) {
            list.append(',');
          }
          list.append("{\"InstanceId\":\"")
              .append(m.group())
              .append("\",\"PingStatus\":\"Online\"}");
        }
        yield "{\"InstanceInformationList\":[" + list + "]}";
      }
      case "SendCommand" ->
          "{\"Command\":{\"CommandId\":\"" + UUID.randomUUID() + "\",\"Status\":\"Pending\"}}";
      case "GetCommandInvocation" ->
          "{\"Status\":\"Success\",\"StatusDetails\":\"Success\",\"StandardOutputContent\":"
              + "\"FAULTLINE_RESULT pid=4242 signal=TERM outcome=killed\\n"
              + "FAULTLINE_RESULT action=inject outcome=ok\"}";
      default -> null;
    };
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
