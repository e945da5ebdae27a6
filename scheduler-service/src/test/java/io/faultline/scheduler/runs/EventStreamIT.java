package io.faultline.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.Fixtures;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.time.Duration;
import java.util.List;
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
}
