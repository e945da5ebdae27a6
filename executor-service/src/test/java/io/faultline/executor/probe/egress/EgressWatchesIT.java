package io.faultline.executor.probe.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.ControlReason;
import io.faultline.events.control.FaultControl;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.Comparison;
import io.faultline.events.probe.HttpProbeMethod;
import io.faultline.events.probe.HttpSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.PromQlSettings;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.topics.Topics;
import io.faultline.executor.Executor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.probe.WatchSettings;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP and PromQL probes in a running executor's run watches (real broker, real server in a network
 * namespace): the operator's allow-list reaches them, a failing HTTP stop condition aborts the run,
 * and a URL the egress rules refuse reads as failing.
 */
class EgressWatchesIT {
  private static final URI SCHEDULER = URI.create("/faultline/scheduler-service");
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static ProbeServer server;
  private static AwsAccountConnector connector;
  private static Executor executor;
  private static TopicTap<RunEvent> runEvents;
  private static TopicTap<FaultControl> controls;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    server = new ProbeServer();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults().withEndpoint(MotoServer.shared().endpoint()),
            new RequestRecorder());
    executor =
        Executor.start(
            new Executor.Config(
                    TestKafka.bootstrapServers(),
                    TestFaults.unique("executors"),
                    "it-egress",
                    Duration.ofSeconds(6),
                    1_000,
                    RunSettings.defaults())
                .withProbes(
                    WatchSettings.defaults()
                        .withGroupId(TestFaults.unique("probes"))
                        .withEgress(new EgressSettings(List.of(server.address())))),
            connector,
            FaultRegistry.discover());
    runEvents = new TopicTap<>(Topics.RUN_EVENTS);
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
  }

  @AfterAll
  static void stop() {
    if (runEvents != null) {
      runEvents.close();
    }
    if (controls != null) {
      controls.close();
    }
    if (executor != null) {
      executor.close();
    }
    if (connector != null) {
      connector.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static ProbeDefinition http(String name, URI url) {
    return ProbeDefinition.of(
            name, new HttpSettings(url, HttpProbeMethod.GET, 200, 2000, null, 5000))
        .withInterval(1);
  }

  private static RunWatch watch(
      String tenant, WatchPhase phase, List<ProbeDefinition> steady, List<ProbeDefinition> stops) {
    return new RunWatch(
        TenantId.of(tenant),
        RunId.of("run-" + tenant),
        ExperimentId.of("exp-" + tenant),
        steady,
        stops,
        phase,
        1,
        null,
        3,
        Instant.now());
  }

  private static void publish(RunWatch watch) {
    TestFaults.send(
        EventCodec.standard().encode(Topics.RUN_WATCHES, FaultlineEvent.of(SCHEDULER, watch)));
  }

  private static List<RunEvent> events(RunId run, RunEventKind kind) {
    return runEvents.read(e -> e.runId().equals(run) && e.kind() == kind);
  }

  @Test
  void steadyStateHoldsOnAnAllowedHttpAndPromqlProbe() {
    String tenant = TestFaults.unique("steady");
    RunWatch watch =
        watch(
            tenant,
            WatchPhase.STEADY_STATE,
            List.of(
                http("api-ok", server.url("/health")),
                ProbeDefinition.of(
                        "up",
                        new PromQlSettings(server.url("/"), "up", Comparison.GREATER_OR_EQUAL, 1))
                    .withInterval(1)),
            List.of());
    publish(watch);

    await()
        .atMost(WAIT)
        .until(() -> events(watch.runId(), RunEventKind.STEADY_STATE_HELD), l -> !l.isEmpty());
    List<RunEvent> readings = events(watch.runId(), RunEventKind.PROBE_READING);
    assertThat(readings)
        .anySatisfy(
            e -> {
              assertThat(e.probe()).isEqualTo("api-ok");
              assertThat(e.reading().ok()).isTrue();
              assertThat(e.reading().status()).isEqualTo(200);
            })
        .anySatisfy(
            e -> {
              assertThat(e.probe()).isEqualTo("up");
              assertThat(e.reading().value()).isEqualTo(1.0);
            });
    assertThat(events(watch.runId(), RunEventKind.STEADY_STATE_FAILED)).isEmpty();
  }

  @Test
  void aFailingHttpStopConditionAbortsTheRun() {
    String tenant = TestFaults.unique("breach");
    RunWatch watch =
        watch(
            tenant,
            WatchPhase.RUNNING,
            List.of(),
            List.of(http("api-ok", server.url("/status/503"))));
    publish(watch);

    RunEvent breach =
        await()
            .atMost(WAIT)
            .until(
                () -> events(watch.runId(), RunEventKind.STOP_CONDITION_BREACHED),
                l -> !l.isEmpty())
            .getFirst();
    assertThat(breach.probe()).isEqualTo("api-ok");
    assertThat(breach.reading().status()).isEqualTo(503);
    assertThat(breach.reading().error()).isEqualTo("status 503, expected 200");
    FaultControl abort =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    controls.read(
                        c ->
                            c.action() == ControlAction.ABORT_RUN
                                && c.reasonCode() == ControlReason.STOP_CONDITION
                                && c.breach().probe().equals("api-ok")
                                && c.tenantId().equals(watch.tenantId())),
                l -> !l.isEmpty())
            .getFirst();
    assertThat(abort.breach().reading().status()).isEqualTo(503);
  }

  @Test
  void aStopConditionOnARefusedAddressFailsSafeAndAbortsTheRun() {
    String tenant = TestFaults.unique("refused");
    RunWatch watch =
        watch(
            tenant,
            WatchPhase.RUNNING,
            List.of(),
            List.of(http("metadata", URI.create("http://169.254.169.254/latest/meta-data/"))));
    publish(watch);

    RunEvent breach =
        await()
            .atMost(WAIT)
            .until(
                () -> events(watch.runId(), RunEventKind.STOP_CONDITION_BREACHED),
                l -> !l.isEmpty())
            .getFirst();
    assertThat(breach.reading().ok()).isFalse();
    assertThat(breach.reading().error())
        .isEqualTo(
            "egress refused: 169.254.169.254 is the instance metadata address, refused whatever"
                + " faultline.executor.probes.allowed-hosts says");
  }
}
