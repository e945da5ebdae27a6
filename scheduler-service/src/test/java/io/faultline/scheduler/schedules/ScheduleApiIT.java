package io.faultline.scheduler.schedules;

import static io.faultline.scheduler.ApiFixtures.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
}
