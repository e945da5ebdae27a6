package io.faultline.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.ExecutorStandIn;
import io.faultline.events.Fixtures;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import io.faultline.scheduler.state.StateJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant's live lifecycle events (Server-Sent Events), against the shared instance on the real
 * broker with the test playing the services that publish them.
 */
@ExtendWith(SharedScheduler.class)
class EventStreamIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
  }

  @Test
  void streamsTheTenantsLifecycleEventsAsServerSentEvents() throws Exception {
    String tenant = SharedScheduler.newTenant();
    String other = SharedScheduler.newTenant();
    List<String> lines = app.eventStream(tenant);

    FaultRequested mine = Fixtures.aProcessKillRequest(tenant, "f-sse-mine");
    FaultRequested theirs = Fixtures.aProcessKillRequest(other, "f-sse-theirs");
    try (ExecutorStandIn executor = new ExecutorStandIn()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                executor.publish(theirs, LifecycleStage.APPROVED, 1, null);
                executor.publish(mine, LifecycleStage.APPROVED, 1, null);
                assertThat(lines).anyMatch(l -> l.equals("event:APPROVED"));
                assertThat(lines).anyMatch(l -> l.startsWith("data:") && l.contains("f-sse-mine"));
              });
    }
    assertThat(lines).noneMatch(l -> l.contains("f-sse-theirs"));
    assertThat(lines).anyMatch(l -> l.equals("id:f-sse-mine:1"));
  }

  @Test
  void refusesTheTwentyFirstStreamOfATenantWith429AndFreesTheSlotOfAClientThatLeft()
      throws Exception {
    String tenant = SharedScheduler.newTenant();
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HttpResponse<InputStream> stream = app.openEventStream(tenant);
      assertThat(stream.statusCode()).isEqualTo(200);
      open.add(stream);
    }

    HttpResponse<InputStream> refused = app.openEventStream(tenant);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem;
    try (InputStream body = refused.body()) {
      problem = StateJson.tree(body.readAllBytes());
    }
    assertThat(problem.path("status").asInt()).isEqualTo(429);
    assertThat(problem.path("limit").asInt()).isEqualTo(20);
    assertThat(problem.path("errors").path(0).path("field").asText()).isEqualTo("tenantId");
    assertThat(problem.path("errors").path(0).path("rule").asText())
        .isEqualTo("maxConnectionsPerTenant");
    assertThat(problem.path("detail").asText()).contains("20 open event streams");

    // Another tenant's streams are counted apart.
    assertThat(app.eventStream(SharedScheduler.newTenant())).isNotEmpty();

    // A client that left frees its slot once a write to it fails: a heartbeat or two later (2 s
    // in tests, 15 s by default).
    open.getFirst().body().close();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              HttpResponse<InputStream> again = app.openEventStream(tenant);
              if (again.statusCode() == 200) {
                open.add(again);
                return true;
              }
              again.body().close();
              return false;
            });
    for (HttpResponse<InputStream> stream : open) {
      stream.body().close();
    }
  }

  @Test
  void dropsAClientThatStoppedReadingWhileAnotherReceivesEveryEvent() throws Exception {
    String tenant = SharedScheduler.newTenant();
    Set<String> received = ConcurrentHashMap.newKeySet();
    HttpResponse<InputStream> reading = app.openEventStream(tenant);
    assertThat(reading.statusCode()).isEqualTo(200);
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(reading.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith("id:")) {
                    received.add(line);
                  }
                }
              } catch (IOException e) {
                // The test is over.
              }
            });
    double droppedBefore = app.count("faultline.scheduler.sse.dropped");
    FaultRequested request = Fixtures.aProcessKillRequest(tenant, "f-sse-flood");
    int sent = 0;
    try (Socket stalled = app.stalledEventStream(tenant);
        ExecutorStandIn executor = new ExecutorStandIn()) {
      // The stalled client's socket buffers fill first, then its queue (1024 events): it is
      // dropped once it is that far behind, while the reading client gets each burst of 500
      // events before the next one is sent.
      while (app.count("faultline.scheduler.sse.dropped") == droppedBefore && sent < 30_000) {
        Future<?> last = null;
        for (int i = 0; i < 500; i++) {
          sent++;
          last = executor.send(ExecutorStandIn.event(request, LifecycleStage.INJECTED, sent, null));
        }
        last.get();
        int sentSoFar = sent;
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == sentSoFar);
      }
      assertThat(app.count("faultline.scheduler.sse.dropped")).isEqualTo(droppedBefore + 1);

      int total = sent;
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(received).hasSize(total));
      for (int i = 1; i <= total; i++) {
        assertThat(received).contains("id:f-sse-flood:" + i);
      }

      // Read at last, the stalled stream ends with a dropped event.
      stalled.setSoTimeout(30_000);
      assertThat(SchedulerInstance.readUntil(stalled, "event:dropped")).endsWith("event:dropped");
    } finally {
      reading.body().close();
    }
  }
}
