package io.faultline.scheduler.schedules;

import static io.faultline.scheduler.ApiFixtures.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Schedules over the API, against the shared instance on the real broker. */
@ExtendWith(SharedScheduler.class)
class ScheduleApiIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
  }

  @Test
  void createsValidatesEnablesDisablesAndDeletesSchedules() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp =
        op.post("/api/v1/tenants/" + tenant + "/experiments", processKill("111111111111"))
            .body()
            .path("experimentId")
            .asText();
    String base = "/api/v1/tenants/" + tenant + "/schedules";

    Http.Response invalid =
        op.post(
            base,
            Map.of(
                "experimentId", "nope",
                "cron", "61 * * * *",
                "timeZone", "Mars/Olympus",
                "maxRuns", 0,
                "missedFirePolicy", "SOMETIMES"));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.namesField("experimentId", "exists")).isTrue();
    assertThat(invalid.namesField("cron", "cron")).isTrue();
    assertThat(invalid.namesField("timeZone", "timeZone")).isTrue();
    assertThat(invalid.namesField("maxRuns", "minimum")).isTrue();
    assertThat(invalid.namesField("missedFirePolicy", "enum")).isTrue();
    assertThat(op.post(base, Map.of("experimentId", exp)).namesField("cron", "oneOf")).isTrue();
    assertThat(
            op.post(base, Map.of("experimentId", exp, "at", "2001-01-01T00:00:00Z"))
                .namesField("at", "future"))
        .isTrue();

    Http.Response created =
        op.post(
            base,
            Map.of(
                "experimentId", exp,
                "cron", "0 0 9 * * MON-FRI",
                "timeZone", "Europe/Berlin",
                "missedFirePolicy", "SKIP"));
    assertThat(created.status()).isEqualTo(201);
    String id = created.body().path("scheduleId").asText();
    Instant next = Instant.parse(created.body().path("nextFireAt").asText());
    assertThat(next).isAfter(Instant.now());
    assertThat(next.atZone(java.time.ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(9);

    Http.Response disabled = op.post(base + "/" + id + "/disable", null);
    assertThat(disabled.body().path("enabled").asBoolean()).isFalse();
    assertThat(disabled.body().has("nextFireAt")).isFalse();
    Http.Response enabled = op.post(base + "/" + id + "/enable", null);
    assertThat(enabled.body().path("nextFireAt").asText()).isEqualTo(next.toString());

    Instant at = Instant.now().plus(Duration.ofDays(2));
    Http.Response oneOff =
        op.put(base + "/nightly-once", Map.of("experimentId", exp, "at", at.toString()));
    assertThat(oneOff.status()).isEqualTo(200);
    assertThat(Instant.parse(oneOff.body().path("nextFireAt").asText())).isEqualTo(at);
    assertThat(op.get(base).body().size()).isEqualTo(2);

    assertThat(op.delete(base + "/" + id).status()).isEqualTo(204);
    assertThat(op.get(base + "/" + id).status()).isEqualTo(404);
  }

  private static String experiment(Http op, String tenant) {
    return op.post("/api/v1/tenants/" + tenant + "/experiments", processKill("111111111111"))
        .body()
        .path("experimentId")
        .asText();
  }

  @Test
  void refusesACronThatFiresMoreOftenThanTheMinimumInterval() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp = experiment(op, tenant);
    String base = "/api/v1/tenants/" + tenant + "/schedules";

    for (String cron : List.of("* * * * *", "0,1 * * * *", "*/30 * * * * *")) {
      Http.Response refused = op.post(base, Map.of("experimentId", exp, "cron", cron));
      assertThat(refused.status()).as(cron).isEqualTo(400);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.namesField("cron", "minInterval")).as(refused.raw()).isTrue();
      assertThat(refused.body().path("errors").path(0).path("message").asText())
          .contains(cron.startsWith("*/30") ? "fires 30s apart" : "fires 1m apart")
          .contains("at least 5m apart");
    }
    // Replacing a schedule with one that fires too often is refused too.
    assertThat(
            op.put(base + "/too-often", Map.of("experimentId", exp, "cron", "*/2 * * * *"))
                .namesField("cron", "minInterval"))
        .isTrue();
    assertThat(op.post(base, Map.of("experimentId", exp, "cron", "*/5 * * * *")).status())
        .isEqualTo(201);
  }

  @Test
  void refusesOneScheduleMoreThanTheTenantMayHaveButAlwaysAReplacement() throws Exception {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp = experiment(op, tenant);
    String base = "/api/v1/tenants/" + tenant + "/schedules";
    Map<String, Object> body = Map.of("experimentId", exp, "cron", "0 0 9 * * *");
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<Http.Response>> created = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = "s" + i;
        created.add(pool.submit(() -> op.put(base + "/" + id, body)));
      }
      for (Future<Http.Response> answer : created) {
        assertThat(answer.get().status()).as(answer.get().raw()).isEqualTo(200);
      }
    }

    Http.Response refused = op.post(base, body);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.namesField("$", "maxSchedules")).as(refused.raw()).isTrue();
    assertThat(refused.body().path("limit").asInt()).isEqualTo(100);
    assertThat(refused.body().path("detail").asText()).contains("has 100 schedules");
    assertThat(op.put(base + "/one-more", body).status()).isEqualTo(409);

    assertThat(op.put(base + "/s7", Map.of("experimentId", exp, "cron", "0 0 10 * * *")).status())
        .isEqualTo(200);
    assertThat(op.delete(base + "/s8").status()).isEqualTo(204);
    assertThat(op.put(base + "/one-more", body).status()).isEqualTo(200);
    assertThat(op.get(base).body().size()).isEqualTo(100);
  }
}
