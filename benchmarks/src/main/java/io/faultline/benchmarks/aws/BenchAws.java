package io.faultline.benchmarks.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * BENCHMARK ONLY — not an AWS emulator. A loopback HTTP server answering just what an executor asks
 * for an EC2 fault and a CloudWatch alarm probe: STS AssumeRole (query/XML), EC2 DescribeInstances
 * (by id, or a tag filter resolving to the instances {@link #tag} configured), SSM documents,
 * DescribeInstanceInformation, SendCommand, GetCommandInvocation ({@code Success} once {@link
 * #commandDelay} has passed since the SendCommand) and CancelCommand (JSON 1.1), and CloudWatch
 * DescribeAlarms in the SDK's Smithy RPC v2 CBOR protocol with states the driver sets ({@link
 * #alarm}). Every call is recorded with its arrival time ({@link #calls}).
 */
public final class BenchAws implements AutoCloseable {
  private static final String CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/";
  private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8,17}");
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");
  private static final Pattern FAULT = Pattern.compile("fault=(\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CBORFactory CBOR = new CBORFactory();

  private final HttpServer server;
  private final ConcurrentLinkedQueue<AwsCall> calls = new ConcurrentLinkedQueue<>();
  private final Map<String, String> accountOfKey = new ConcurrentHashMap<>();
  private final Map<String, Long> commandSentAt = new ConcurrentHashMap<>();
  private final Map<String, String> alarms = new ConcurrentHashMap<>();
  private final Map<String, Integer> tags = new ConcurrentHashMap<>();
  private final Map<String, AwsCall> firstCommands = new ConcurrentHashMap<>();
  private final Map<String, AwsCall> firstAlarmStates = new ConcurrentHashMap<>();
  private final AtomicLong keys = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private volatile Duration commandDelay = Duration.ZERO;

  public BenchAws() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the AWS stub", e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** How long a command stays {@code InProgress} before GetCommandInvocation says Success. */
  public void commandDelay(Duration delay) {
    this.commandDelay = delay;
  }

  /**
   * A tag filter {@code tag:<key>} = {@code value} selects {@code count} running instances, the
   * same ones for the same account and value, other ones for another value.
   */
  public void tag(String value, int count) {
    tags.put(value, count);
  }

  /** Sets (creates) an alarm's state, answered by DescribeAlarms from now on. */
  public void alarm(String name, String state) {
    alarms.put(name, state);
  }

  /** Every call answered so far, in arrival order. */
  public List<AwsCall> calls() {
    return List.copyOf(calls);
  }

  public List<AwsCall> calls(Predicate<AwsCall> filter) {
    return calls.stream().filter(filter).toList();
  }

  /**
   * The first SendCommand naming {@code faultId} in its comment whose {@code Action} parameter is
   * {@code action} ({@code inject}, {@code rollback}), or null.
   */
  public AwsCall firstCommand(String faultId, String action) {
    return firstCommands.get(faultId + "/" + action);
  }

  /** The first DescribeAlarms of {@code alarm} answered with {@code state}, or null. */
  public AwsCall firstAnswer(String alarm, String state) {
    return firstAlarmStates.get(alarm + "/" + state);
  }

  /** Requests the stub could not answer (HTTP 400): a benchmark whose count is not 0 is broken. */
  public long unknownCalls() {
    return unknown.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long arrived = System.nanoTime();
      Instant at = Instant.now();
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      String account = account(exchange.getRequestHeaders().getFirst("Authorization"));
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      Answer answer;
      if (path.startsWith(CBOR_PATH)) {
        answer = cloudWatch(path.substring(CBOR_PATH.length()), body, account, arrived, at);
      } else if (target != null) {
        String operation = target.substring(target.indexOf('.') + 1);
        answer = ssm(operation, JSON.readTree(body), account, arrived, at);
      } else {
        answer = query(form(new String(body, StandardCharsets.UTF_8)), account, arrived, at);
      }
      if (answer == null) {
        unknown.incrementAndGet();
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      answer.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
      exchange.sendResponseHeaders(200, answer.body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body);
      }
    }
  }

  private record Answer(Map<String, String> headers, byte[] body) {
    static Answer of(String type, String body) {
      return new Answer(Map.of("Content-Type", type), body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String account(String authorization) {
    if (authorization == null) {
      return "anonymous";
    }
    Matcher m = CREDENTIAL.matcher(authorization);
    return m.find() ? accountOfKey.getOrDefault(m.group(1), "hub") : "anonymous";
  }

  private void record(
      String operation, String account, long nanos, Instant at, String fault, String action) {
    calls.add(new AwsCall(operation, account, fault, action, 0, null, nanos, at));
  }

  private Answer query(Map<String, String> form, String account, long nanos, Instant at) {
    String action = form.getOrDefault("Action", "");
    return switch (action) {
      case "AssumeRole" -> {
        String roleAccount = form.getOrDefault("RoleArn", "").split(":")[4];
        String key = "ASIABENCH" + keys.incrementAndGet();
        accountOfKey.put(key, roleAccount);
        record(action, roleAccount, nanos, at, null, null);
        yield Answer.of(
            "text/xml",
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleResult><Credentials><AccessKeyId>"
                + key
                + "</AccessKeyId><SecretAccessKey>stub</SecretAccessKey><SessionToken>stub"
                + "</SessionToken><Expiration>"
                + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                + "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::"
                + roleAccount
                + ":assumed-role/bench/bench</Arn><AssumedRoleId>AROABENCH:bench</AssumedRoleId>"
                + "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1"
                + "</RequestId></ResponseMetadata></AssumeRoleResponse>");
      }
      case "DescribeInstances" -> {
        record(action, account, nanos, at, null, null);
        yield Answer.of("text/xml", describeInstances(form, account));
      }
      default -> null;
    };
  }

  private String describeInstances(Map<String, String> form, String account) {
    List<String> ids = new ArrayList<>();
    String tagKey = "bench";
    for (Map.Entry<String, String> e : form.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (k.startsWith("InstanceId.") || (k.contains(".Value.") && v.startsWith("i-"))) {
        ids.add(v);
      } else if (k.contains(".Value.") && tags.containsKey(v)) {
        String name = form.get(k.substring(0, k.indexOf(".Value.")) + ".Name");
        tagKey = name != null && name.startsWith("tag:") ? name.substring(4) : tagKey;
        int count = tags.get(v);
        // Instances of one tag value in one account: another value selects other instances.
        int bits = Math.floorMod(Objects.hash(account, v), 0x10000000);
        for (int i = 0; i < count; i++) {
          ids.add(String.format("i-%07x%010x", bits, i));
        }
        String value = v;
        String key = tagKey;
        return instances(ids, key, value);
      }
    }
    return instances(ids, tagKey, "bench");
  }

  private static String instances(List<String> ids, String tagKey, String tagValue) {
    StringBuilder items = new StringBuilder();
    for (String id : ids) {
      items
          .append("<item><instanceId>")
          .append(id)
          .append("</instanceId><instanceState><code>16</code><name>running</name>")
          .append("</instanceState><placement><availabilityZone>eu-west-1a</availabilityZone>")
          .append("</placement><tagSet><item><key>")
          .append(tagKey)
          .append("</key><value>")
          .append(tagValue)
          .append("</value></item></tagSet></item>");
    }
    return "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
        + "<requestId>1</requestId><reservationSet><item><reservationId>r-1</reservationId>"
        + "<instancesSet>"
        + items
        + "</instancesSet></item></reservationSet></DescribeInstancesResponse>";
  }

  private Answer ssm(String operation, JsonNode body, String account, long nanos, Instant at) {
    String type = "application/x-amz-json-1.1";
    return switch (operation) {
      case "DescribeDocument" -> {
        record(operation, account, nanos, at, null, null);
        yield Answer.of(
            type,
            "{\"Document\":{\"Name\":\""
                + body.path("Name").asText()
                + "\",\"DocumentVersion\":\"1\",\"VersionName\":\""
                + body.path("VersionName").asText()
                + "\",\"Status\":\"Active\"}}");
      }
      case "CreateDocument", "UpdateDocument" -> {
        record(operation, account, nanos, at, null, null);
        yield Answer.of(
            type,
            "{\"DocumentDescription\":{\"Name\":\""
                + body.path("Name").asText()
                + "\",\"DocumentVersion\":\"1\",\"Status\":\"Active\"}}");
      }
      case "DescribeInstanceInformation" -> {
        record(operation, account, nanos, at, null, null);
        StringBuilder list = new StringBuilder();
        Matcher m = INSTANCE.matcher(body.toString());
        while (m.find()) {
          list.append(list.isEmpty() ? "" : ",")
              .append("{\"InstanceId\":\"")
              .append(m.group())
              .append("\",\"PingStatus\":\"Online\"}");
        }
        yield Answer.of(type, "{\"InstanceInformationList\":[" + list + "]}");
      }
      case "SendCommand" -> {
        Matcher fault = FAULT.matcher(body.path("Comment").asText());
        String action = body.path("Parameters").path("Action").path(0).asText(null);
        AwsCall call =
            new AwsCall(
                operation,
                account,
                fault.find() ? fault.group(1) : null,
                action,
                body.path("InstanceIds").size(),
                null,
                nanos,
                at);
        calls.add(call);
        if (call.faultId() != null) {
          firstCommands.putIfAbsent(call.faultId() + "/" + action, call);
        }
        String id = UUID.randomUUID().toString();
        commandSentAt.put(id, nanos);
        yield Answer.of(
            type, "{\"Command\":{\"CommandId\":\"" + id + "\",\"Status\":\"Pending\"}}");
      }
      case "GetCommandInvocation" -> {
        record(operation, account, nanos, at, null, null);
        Long sent = commandSentAt.get(body.path("CommandId").asText());
        boolean done = sent == null || nanos - sent >= commandDelay.toNanos();
        yield Answer.of(
            type,
            done
                ? "{\"Status\":\"Success\",\"StatusDetails\":\"Success\","
                    + "\"StandardOutputContent\":\"FAULTLINE_RESULT pid=4242 signal=TERM"
                    + " outcome=killed\\nFAULTLINE_RESULT action=inject outcome=ok\"}"
                : "{\"Status\":\"InProgress\",\"StatusDetails\":\"InProgress\"}");
      }
      case "CancelCommand" -> {
        record(operation, account, nanos, at, null, null);
        yield Answer.of(type, "{}");
      }
      default -> null;
    };
  }

  private Answer cloudWatch(String operation, byte[] body, String account, long nanos, Instant at)
      throws IOException {
    if (!operation.equals("DescribeAlarms")) {
      return null;
    }
    String name = alarmName(body);
    String state = name == null ? null : alarms.get(name);
    AwsCall call = new AwsCall(operation, account, name, null, 0, state, nanos, at);
    calls.add(call);
    if (state != null) {
      firstAlarmStates.putIfAbsent(name + "/" + state, call);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator cbor = CBOR.createGenerator(out)) {
      cbor.writeStartObject();
      cbor.writeArrayFieldStart("MetricAlarms");
      if (state != null) {
        cbor.writeStartObject();
        cbor.writeStringField("AlarmName", name);
        cbor.writeStringField("StateValue", state);
        cbor.writeEndObject();
      }
      cbor.writeEndArray();
      cbor.writeArrayFieldStart("CompositeAlarms");
      cbor.writeEndArray();
      cbor.writeEndObject();
    }
    return new Answer(
        Map.of("Content-Type", "application/cbor", "smithy-protocol", "rpc-v2-cbor"),
        out.toByteArray());
  }

  /** The first of the request's {@code AlarmNames}. */
  private static String alarmName(byte[] body) throws IOException {
    if (body.length == 0) {
      return null;
    }
    try (JsonParser in = CBOR.createParser(body)) {
      boolean inNames = false;
      for (var token = in.nextToken(); token != null; token = in.nextToken()) {
        if (token == software.amazon.awssdk.thirdparty.jackson.core.JsonToken.FIELD_NAME) {
          inNames = "AlarmNames".equals(in.currentName());
        } else if (inNames
            && token == software.amazon.awssdk.thirdparty.jackson.core.JsonToken.VALUE_STRING) {
          return in.getText();
        }
      }
    }
    return null;
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

  @Override
  public void close() {
    server.stop(0);
  }
}
