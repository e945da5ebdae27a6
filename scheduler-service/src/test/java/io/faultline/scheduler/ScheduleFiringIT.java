package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.TopicTap;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.engine.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two scheduler instances (one Streams application) on the real broker share one controllable
 * clock: schedules fire on time and exactly once, missed fires follow each schedule's policy, reads
 * are routed to the owning instance, and a stopped instance's schedules move to the other.
 */
class ScheduleFiringIT {
  private static final Instant T0 = Instant.parse("2030-01-07T08:02:00Z");
  private static final MutableClock CLOCK = new MutableClock(T0);
  private static SchedulerInstance a;
  private static SchedulerInstance b;
  private static TopicTap<FaultRequested> requests;
  private static final List<String> TENANTS = new ArrayList<>();
  private static final Map<String, String> SCHEDULES = new java.util.HashMap<>();

  @BeforeAll
  static void start() {
    String appId = "sched-two-" + UUID.randomUUID();
    a = SchedulerInstance.start(appId, CLOCK);
    b = SchedulerInstance.start(appId, CLOCK);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                a.engine().isRunning()
                    && b.engine().isRunning()
                    && a.engine().streams().metadataForAllStreamsClients().size() == 2
                    && b.engine().streams().metadataForAllStreamsClients().size() == 2);
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
  }

  @AfterAll
  static void stop() {
    requests.close();
    b.close();
    a.close();
  }

  private static Map<String, List<String>> runIdsByTenant() {
    Set<String> tenants = new HashSet<>(TENANTS);
    Map<String, List<String>> out = new java.util.TreeMap<>();
    TENANTS.forEach(t -> out.put(t, new ArrayList<>()));
    for (FaultRequested r : requests.read(r -> tenants.contains(r.tenantId().value()))) {
      out.get(r.tenantId().value()).add(r.runId().value());
    }
    return out;
  }

  /** A new tenant id whose partition (the default partitioner's, as for commands) is not taken. */
  private static String tenantOnAnotherPartition(int index, Set<Integer> taken) {
    while (true) {
      String tenant = "fire-" + index + "-" + UUID.randomUUID().toString().substring(0, 6);
      byte[] key = Serdes.String().serializer().serialize(null, tenant);
      if (taken.add(Utils.toPositive(Utils.murmur2(key)) % Topics.FAULT_LIFECYCLE.partitions())) {
        return tenant;
      }
    }
  }

  private static String runId(String tenant, Instant fireTime) {
    return "sch-" + SCHEDULES.get(tenant) + "-" + fireTime.getEpochSecond();
  }

  private static boolean ownedBy(SchedulerInstance owner, String tenant) {
    KeyQueryMetadata metadata =
        a.engine()
            .streams()
            .queryMetadataForKey(StoreNames.SCHEDULES, tenant, Serdes.String().serializer());
    return (metadata.activeHost().host() + ":" + metadata.activeHost().port())
        .equals(owner.engine().self());
  }

  @Test
  void firesOnTimeExactlyOnceAcrossTwoInstancesFollowsMissedFirePoliciesAndFailsOver() {
    // Eight tenants on eight distinct partitions of twelve, so both instances own some once the
    // assignment is balanced (random ids alone all landed on one instance about once in 128 runs);
    // even ones make up missed fires, odd ones skip.
    Set<Integer> partitionsTaken = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      String tenant = tenantOnAnotherPartition(i, partitionsTaken);
      TENANTS.add(tenant);
      SchedulerInstance via = i % 2 == 0 ? a : b;
      Http op = via.http(tenant, "operator");
      Http.Response created =
          op.post(
              "/api/v1/tenants/" + tenant + "/experiments",
              ApiFixtures.processKill("111111111111"));
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      String exp = created.body().path("experimentId").asText();
      Http.Response schedule =
          op.post(
              "/api/v1/tenants/" + tenant + "/schedules",
              Map.of(
                  "experimentId",
                  exp,
                  "cron",
                  "0 */5 * * * *",
                  "timeZone",
                  "Europe/Berlin",
                  "missedFirePolicy",
                  i % 2 == 0 ? "FIRE_ONCE" : "SKIP"));
      assertThat(schedule.status()).isEqualTo(201);
      assertThat(schedule.body().path("nextFireAt").asText()).isEqualTo("2030-01-07T08:05:00Z");
      SCHEDULES.put(tenant, schedule.body().path("scheduleId").asText());
    }
    // Ownership settles once the group's last rebalance has finished.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(TENANTS).anyMatch(t -> ownedBy(a, t)).anyMatch(t -> ownedBy(b, t)));

    // Reads are routed: every schedule is readable through either instance.
    for (String tenant : TENANTS) {
      for (SchedulerInstance via : List.of(a, b)) {
        Http.Response read =
            via.http(tenant, "viewer")
                .get("/api/v1/tenants/" + tenant + "/schedules/" + SCHEDULES.get(tenant));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().path("scheduleId").asText()).isEqualTo(SCHEDULES.get(tenant));
      }
    }
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> runIdsByTenant().values().stream().allMatch(List::isEmpty));

    Instant first = Instant.parse("2030-01-07T08:05:00Z");
    CLOCK.set(first);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                runIdsByTenant()
                    .forEach((t, runs) -> assertThat(runs).containsExactly(runId(t, first))));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> runIdsByTenant().values().stream().allMatch(r -> r.size() == 1));

    Instant second = Instant.parse("2030-01-07T08:10:00Z");
    CLOCK.set(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                runIdsByTenant()
                    .forEach(
                        (t, runs) ->
                            assertThat(runs).containsExactly(runId(t, first), runId(t, second))));

    // Downtime: 08:15 .. 10:00 are missed (later than the misfire threshold).
    Instant latestMissed = Instant.parse("2030-01-07T10:00:00Z");
    CLOCK.set(Instant.parse("2030-01-07T10:02:30Z"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                runIdsByTenant()
                    .forEach(
                        (t, runs) -> {
                          boolean fireOnce = TENANTS.indexOf(t) % 2 == 0;
                          if (fireOnce) {
                            assertThat(runs)
                                .containsExactly(
                                    runId(t, first), runId(t, second), runId(t, latestMissed));
                          }
                        }));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                runIdsByTenant()
                    .forEach(
                        (t, runs) ->
                            assertThat(runs)
                                .as("runs of %s", t)
                                .hasSize(TENANTS.indexOf(t) % 2 == 0 ? 3 : 2)));
    for (String tenant : TENANTS) {
      Http.Response s =
          b.http(tenant, "viewer")
              .get("/api/v1/tenants/" + tenant + "/schedules/" + SCHEDULES.get(tenant));
      assertThat(s.body().path("nextFireAt").asText()).isEqualTo("2030-01-07T10:05:00Z");
    }

    // Instance a stops: its tenants move to b, which fires every schedule once at 10:05.
    a.close();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                b.engine().isRunning()
                    && b.engine().streams().metadataForAllStreamsClients().size() == 1);
    Instant afterFailover = Instant.parse("2030-01-07T10:05:00Z");
    CLOCK.set(afterFailover);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                runIdsByTenant()
                    .forEach((t, runs) -> assertThat(runs).contains(runId(t, afterFailover))));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                runIdsByTenant().values().stream()
                    .allMatch(runs -> runs.size() == new HashSet<>(runs).size()));
  }
}
