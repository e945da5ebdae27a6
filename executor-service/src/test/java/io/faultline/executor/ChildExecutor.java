package io.faultline.executor;

import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.probe.WatchSettings;
import io.faultline.executor.run.RunSettings;
import java.net.URI;
import java.time.Duration;

/**
 * An executor in its own JVM, so a test can kill it ({@code destroyForcibly}) or pause it ({@code
 * SIGSTOP}) for real. Arguments: bootstrap servers, consumer group, executor id, AWS endpoint, and
 * optionally the run watches' consumer group (default {@code faultline-probes}). It beats every
 * second and its faults are taken over after 6 s ({@link #HEARTBEAT}, {@link #GRACE}), as the
 * tests' survivors are configured.
 */
public final class ChildExecutor {
  /** The heartbeat interval of the child and of the executors tests start beside it. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);

  /** The takeover grace of the child and of the executors tests start beside it. */
  public static final Duration GRACE = Duration.ofSeconds(6);

  private ChildExecutor() {}

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("aws.accessKeyId", "AKIAFAULTLINETEST");
    System.setProperty("aws.secretAccessKey", "faultline-test-secret");
    Executor executor =
        Executor.start(
            new Executor.Config(
                    args[0],
                    args[1],
                    args[2],
                    Duration.ofSeconds(6),
                    1_000,
                    RunSettings.defaults()
                        .withPrecheck(RunSettings.Precheck.SKIP)
                        .withPolling(Duration.ofMillis(100), Duration.ofMillis(500)))
                .withOwnership(HEARTBEAT, GRACE)
                .withProbes(
                    args.length > 4
                        ? WatchSettings.defaults().withGroupId(args[4])
                        : WatchSettings.defaults()),
            new AwsAccountConnector(
                AwsSettings.defaults()
                    .withEndpoint(URI.create(args[3]))
                    .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
                null),
            FaultRegistry.discover());
    System.out.println("EXECUTOR READY " + executor.id());
    Thread.currentThread().join();
  }
}
