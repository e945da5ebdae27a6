package io.faultline.benchmarks.flow;

import io.faultline.benchmarks.aws.AwsCall;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.probe.CloudWatchAlarmSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Issue 15's breach → rollback: a run's faults held, its watch ({@code RUNNING}, a {@code
 * cloudwatch-alarm} stop condition read every {@code intervalSeconds}) published on {@code
 * faultline.run-watches.v1} as the scheduler would; the driver flips the alarm to {@code ALARM} in
 * the stub; each sample is the first DescribeAlarms answer that reported {@code ALARM} → the first
 * rollback {@code SendCommand} of one fault of the run. The faults spread over every executor, so
 * most rollbacks need the controls topic's delivery from the watching executor.
 *
 * @param runs runs measured one after another
 * @param faultsPerRun faults held in each run
 * @param intervalSeconds the probe's interval
 */
public record BreachLatency(int runs, int faultsPerRun, int intervalSeconds) {
  private static final URI SCHEDULER = URI.create("/faultline/scheduler-service");

  /**
   * From {@code bench.breach.*} system properties, tiny defaults unless {@code bench.full=true}.
   */
  public static BreachLatency fromProperties() {
    boolean full = Boolean.getBoolean("bench.full");
    return new BreachLatency(
        Integer.getInteger("bench.breach.runs", full ? 20 : 2),
        Integer.getInteger("bench.breach.faults", full ? 4 : 2),
        Integer.getInteger("bench.breach.interval-seconds", 1));
  }

  public Table run(BenchPlatform platform) {
    BenchTenant tenant = BenchTenant.create("breach", 2);
    platform.register(tenant.policy());
    List<Long> nanos = new ArrayList<>();
    int aborted = 0;
    for (int r = 0; r < runs; r++) {
      aborted += once(platform, tenant, nanos);
    }
    Latencies latencies = Latencies.of(nanos);
    return Table.titled(
            "Breach -> rollback: first DescribeAlarms answered ALARM -> each fault's first"
                + " rollback SendCommand ("
                + platform.executors()
                + " executors, probe interval "
                + intervalSeconds
                + " s)",
            "runs",
            "faults",
            "rolled back",
            "p50 ms",
            "p99 ms",
            "max ms",
            "ABORTED events")
        .row(
            runs,
            runs * faultsPerRun,
            latencies.count(),
            Table.ms(latencies.ms(50)),
            Table.ms(latencies.ms(99)),
            Table.ms(latencies.maxMs()),
            aborted)
        .build();
  }

  /** One run; adds its samples, returns how many of its faults ended ABORTED. */
  private int once(BenchPlatform platform, BenchTenant tenant, List<Long> nanos) {
    String tag = UUID.randomUUID().toString().substring(0, 6);
    String run = "run-br" + tag;
    var records =
        Load.requests(
            platform,
            List.of(tenant),
            "br" + tag,
            run,
            faultsPerRun,
            3_600,
            Load.Selection.INSTANCE_ID);
    List<String> faults = List.copyOf(Load.publish(platform, records, 50).keySet());
    Duration wait = Duration.ofSeconds(120);
    Waits.until(
        platform,
        wait,
        () ->
            faults.stream()
                .allMatch(f -> platform.lifecycle().stage(f) == LifecycleStage.INJECTED));
    String alarm = "bench-" + tag;
    platform.aws().alarm(alarm, "OK");
    RunWatch watch =
        new RunWatch(
            tenant.tenantId(),
            RunId.of(run),
            ExperimentId.of("bench"),
            List.of(),
            List.of(
                ProbeDefinition.of(
                        "errors",
                        new CloudWatchAlarmSettings(
                            alarm,
                            AccountId.of(tenant.accounts().getFirst()),
                            AwsRegion.of(BenchPlatform.REGION)))
                    .withInterval(intervalSeconds)),
            WatchPhase.RUNNING,
            1,
            null,
            1,
            Instant.now());
    platform.send(
        EventCodec.standard().encode(Topics.RUN_WATCHES, FaultlineEvent.of(SCHEDULER, watch)));
    Waits.until(platform, wait, () -> platform.aws().firstAnswer(alarm, "OK") != null);
    platform.aws().alarm(alarm, "ALARM");
    Waits.until(platform, wait, () -> platform.aws().firstAnswer(alarm, "ALARM") != null);
    AwsCall breach = platform.aws().firstAnswer(alarm, "ALARM");
    Load.awaitCommands(platform, faults, "rollback", wait);
    Map<String, Long> from = new java.util.HashMap<>();
    faults.forEach(f -> from.put(f, breach.nanoTime()));
    nanos.addAll(Load.since(platform, from, "rollback"));
    Waits.until(platform, wait, () -> platform.lifecycle().ended(faults) == faults.size());
    // The run is over: its watch ends (a tombstone), so later runs are not measured beside it.
    platform.send(new ProducerRecord<>(Topics.RUN_WATCHES.name(), watch.key(), null));
    return (int) platform.lifecycle().endedAs(faults, LifecycleStage.ABORTED);
  }
}
