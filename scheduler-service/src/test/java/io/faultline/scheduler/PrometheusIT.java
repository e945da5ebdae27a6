package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.TopicTap;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Prometheus endpoint, scraped as Prometheus would (no token), after a run has published its
 * request and completed on the real broker.
 */
@ExtendWith(SharedScheduler.class)
class PrometheusIT {
  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;
  private static ExecutorStandIn executor;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    executor = new ExecutorStandIn();
  }

  @AfterAll
  static void stop() {
    requests.close();
    executor.close();
  }

  /** The value of the one sample of {@code name} whose labels include every given label. */
  private static Double sample(String scrape, String name, String... labels) {
    Double found = null;
    Pattern line = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(scrape);
    while (m.find()) {
      boolean all = true;
      for (String label : labels) {
        all &= m.group(1).contains(label);
      }
      if (all) {
        assertThat(found).as("one sample of %s with %s", name, List.of(labels)).isNull();
        found = Double.valueOf(m.group(2));
      }
    }
    return found;
  }

  private static String scrape() {
    Http.Response response = app.management().get("/actuator/prometheus");
    assertThat(response.status()).isEqualTo(200);
    return response.raw();
  }

  @Test
  void exposesPublishedRequestsFinishedRunsAndConsumerLagAfterARun() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp =
        op.post(
                "/api/v1/tenants/" + tenant + "/experiments",
                ApiFixtures.processKill("111111111111"))
            .body()
            .path("experimentId")
            .asText();
    assertThat(
            op.post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> requests.read(r -> r.tenantId().value().equals(tenant)).size() == 1);
    executor.complete(requests.read(r -> r.tenantId().value().equals(tenant)).getFirst());

    String tenantLabel = "tenant=\"" + tenant + "\"";
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              String scrape = scrape();
              assertThat(
                      sample(scrape, "faultline_scheduler_requests_published_total", tenantLabel))
                  .isEqualTo(1.0);
              assertThat(
                      sample(
                          scrape,
                          "faultline_scheduler_runs_total",
                          tenantLabel,
                          "outcome=\"completed\""))
                  .isEqualTo(1.0);
            });
    String scrape = scrape();
    // The Streams consumer's lag, bound from the Kafka client's own metrics.
    Matcher lag =
        Pattern.compile(
                "^kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\"[^\"]*"
                    + "StreamThread[^\"]*\"[^}]*\\} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(scrape);
    List<Double> lags = new java.util.ArrayList<>();
    while (lag.find()) {
      lags.add(Double.valueOf(lag.group(1)));
    }
    // The main consumer fetches all the time, so its lag has samples (a client without: NaN).
    assertThat(lags).as("records-lag-max of the engine's consumers").anyMatch(v -> v >= 0);
    assertThat(sample(scrape, "faultline_scheduler_runs_total", tenantLabel, "outcome=\"failed\""))
        .isNull();
  }
}
