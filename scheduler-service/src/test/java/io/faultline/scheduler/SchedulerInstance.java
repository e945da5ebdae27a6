package io.faultline.scheduler;

import static org.awaitility.Awaitility.await;

import io.faultline.events.topics.Topics;
import io.faultline.scheduler.engine.SchedulerEngine;
import io.faultline.scheduler.security.DevTokens;
import io.faultline.scheduler.state.SchedulerTopics;
import io.faultline.testsupport.TestKafka;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One scheduler-service instance on the test broker, on a random port, with a given clock. */
public final class SchedulerInstance implements AutoCloseable {
  public static final String HUB_ROLE_ARN = "arn:aws:iam::999999999999:role/faultline-hub";
  static final String DEV_SECRET = "integration-test-secret-0123456789abcdef";

  final ConfigurableApplicationContext context;

  /** Every span the instance ended, in the order they ended. */
  final InMemorySpanExporter spans;

  private final OpenTelemetrySdk openTelemetry;

  private SchedulerInstance(
      ConfigurableApplicationContext context,
      InMemorySpanExporter spans,
      OpenTelemetrySdk openTelemetry) {
    this.context = context;
    this.spans = spans;
    this.openTelemetry = openTelemetry;
  }

  static void createTopics(String commandsTopic) {
    TestKafka.createTopics(
        Stream.concat(
                Topics.all().stream().map(t -> t.newTopic((short) 1)),
                Stream.of(SchedulerTopics.commands(commandsTopic, (short) 1)))
            .toList());
  }

  static SchedulerInstance start(String applicationId, Clock clock) {
    return start(applicationId, clock, Map.of());
  }

  /**
   * @param overrides properties replacing the test defaults (local mode with a shared dev secret);
   *     an empty value removes the default
   */
  static SchedulerInstance start(String applicationId, Clock clock, Map<String, String> overrides) {
    // Each deployment (application id) under test gets its own commands topic, as in production.
    String commandsTopic = "faultline.scheduler-commands." + applicationId;
    createTopics(commandsTopic);
    // And its own account-owner index, so tests of different instances may register one account
    // for different tenants; tests of the index itself share one by overriding the property.
    String ownersTopic =
        overrides.getOrDefault(
            "faultline.scheduler.account-owners-topic",
            Topics.ACCOUNT_OWNERS.name() + "." + applicationId);
    TestKafka.createTopics(
        List.of(
            new NewTopic(ownersTopic, Topics.ACCOUNT_OWNERS.partitions(), (short) 1)
                .configs(Topics.ACCOUNT_OWNERS.configs())));
    Map<String, Object> properties = new HashMap<>();
    properties.put("server.port", "0");
    // Actuator on its own (random) port, as management.server.port does in production.
    properties.put("management.server.port", "0");
    properties.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
    properties.put("faultline.scheduler.application-id", applicationId);
    properties.put("faultline.scheduler.commands-topic", commandsTopic);
    properties.put("faultline.scheduler.account-owners-topic", ownersTopic);
    properties.put("faultline.scheduler.tick", "100ms");
    // A client that left is noticed at the first or second heartbeat: its slot frees in seconds.
    properties.put("faultline.scheduler.sse-heartbeat", "2s");
    properties.put("faultline.scheduler.create-topics", "false");
    properties.put("faultline.scheduler.hub-role-arn", HUB_ROLE_ARN);
    properties.put("faultline.security.dev-tokens.enabled", "true");
    // Shared by every instance of a test: routed reads forward the caller's token.
    properties.put("faultline.security.dev-tokens.secret", DEV_SECRET);
    // As the local profile sets it (and a CI pod's Kubernetes detection must not turn it on).
    properties.put("server.forward-headers-strategy", "none");
    properties.put("spring.main.banner-mode", "off");
    properties.put("logging.level.org.apache.kafka", "WARN");
    properties.put("logging.level.kafka", "WARN");
    // The production console format (application.yml's logging.structured.format.console) with
    // the test's log levels: log lines are what a deployment prints.
    properties.put("logging.config", "classpath:logback-structured-test.xml");
    overrides.forEach(
        (key, value) -> {
          if (value.isEmpty()) {
            properties.remove(key);
          } else {
            properties.put(key, value);
          }
        });
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk openTelemetry =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SchedulerApplication.class)
            .initializers(
                c -> {
                  c.getBeanFactory().registerSingleton("clock", clock);
                  // Replaces the service's autoconfigured SDK (@ConditionalOnMissingBean).
                  c.getBeanFactory().registerSingleton("openTelemetry", openTelemetry);
                })
            // Command-line arguments: default properties would lose to application.yml.
            .run(
                properties.entrySet().stream()
                    .map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new));
    SchedulerInstance instance = new SchedulerInstance(context, spans, openTelemetry);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> context.getBean(SchedulerEngine.class).isRunning());
    return instance;
  }

  int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  SchedulerEngine engine() {
    return context.getBean(SchedulerEngine.class);
  }

  String token(String tenant, String... roles) {
    return context.getBean(DevTokens.class).mint("tester", tenant, List.of(roles));
  }

  public Http http(String tenant, String... roles) {
    return new Http("http://localhost:" + port(), token(tenant, roles));
  }

  public Http anonymous() {
    return new Http("http://localhost:" + port(), null);
  }

  /** The management port: actuator (health groups, Prometheus). */
  int managementPort() {
    return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
  }

  /** Actuator on the management port, without a token. */
  public Http management() {
    return new Http("http://localhost:" + managementPort(), null);
  }

  @Override
  public void close() {
    context.close();
    openTelemetry.close();
  }

  /**
   * Opens the tenant's live event stream (SSE) as a viewer and returns its lines as they arrive,
   * once the stream has sent its first comment (it is subscribed).
   */
  public List<String> eventStream(String tenant) throws Exception {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.net.http.HttpResponse<java.io.InputStream> response = openEventStream(tenant);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the event stream answered " + response.statusCode());
    }
    Thread reader =
        new Thread(
            () -> {
              try (java.io.BufferedReader in =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                lines.add("closed: " + e.getMessage());
              }
            });
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines.stream().anyMatch(l -> l.startsWith(":")));
    return lines;
  }

  /**
   * Asks for the tenant's live event stream as a viewer; the answer whatever its status, its body
   * the open stream (closing it closes the connection).
   */
  public java.net.http.HttpResponse<java.io.InputStream> openEventStream(String tenant)
      throws Exception {
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(
                    "http://localhost:" + port() + "/api/v1/tenants/" + tenant + "/events"))
            .header("Authorization", "Bearer " + token(tenant, "viewer"))
            .header("Accept", "text/event-stream")
            .build();
    return java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
  }

  /**
   * Opens the tenant's live event stream on a plain socket with a small receive buffer and reads it
   * only up to the stream's first comment: from then on a client that has stopped reading.
   */
  public java.net.Socket stalledEventStream(String tenant) throws Exception {
    java.net.Socket socket = new java.net.Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress("localhost", port()), 5000);
    socket.setSoTimeout(10_000);
    socket
        .getOutputStream()
        .write(
            ("GET /api/v1/tenants/"
                    + tenant
                    + "/events HTTP/1.1\r\nHost: localhost:"
                    + port()
                    + "\r\nAuthorization: Bearer "
                    + token(tenant, "viewer")
                    + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    String read = readUntil(socket, "subscribed to " + tenant);
    if (!read.startsWith("HTTP/1.1 200")) {
      socket.close();
      throw new IllegalStateException("the event stream answered " + read);
    }
    return socket;
  }

  /** Reads a socket until what was read contains {@code text} (or it ends or times out). */
  public static String readUntil(java.net.Socket socket, String text) throws Exception {
    StringBuilder read = new StringBuilder();
    java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
    while (read.length() < text.length() || read.indexOf(text, read.length() - text.length()) < 0) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      read.append((char) b);
    }
    return read.toString();
  }

  /** The sum of this instance's counters named {@code name} (Micrometer's name), 0 if none. */
  public double count(String name) {
    return context
        .getBean(io.micrometer.core.instrument.MeterRegistry.class)
        .find(name)
        .counters()
        .stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }
}
