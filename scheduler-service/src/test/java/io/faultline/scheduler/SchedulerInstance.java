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
    Map<String, Object> properties = new HashMap<>();
    properties.put("server.port", "0");
    properties.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
    properties.put("faultline.scheduler.application-id", applicationId);
    properties.put("faultline.scheduler.commands-topic", commandsTopic);
    properties.put("faultline.scheduler.tick", "100ms");
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
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(
                    "http://localhost:" + port() + "/api/v1/tenants/" + tenant + "/events"))
            .header("Authorization", "Bearer " + token(tenant, "viewer"))
            .header("Accept", "text/event-stream")
            .build();
    java.net.http.HttpResponse<java.io.InputStream> response =
        java.net.http.HttpClient.newHttpClient()
            .send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
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
}
