package io.faultline.executor;

import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import java.net.URI;
import java.time.Duration;

/**
 * An executor in its own JVM, so a test can kill it for real ({@code destroyForcibly}). Arguments:
 * bootstrap servers, consumer group, executor id, AWS endpoint.
 */
public final class ChildExecutor {
  private ChildExecutor() {}

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("aws.accessKeyId", "AKIAFAULTLINETEST");
    System.setProperty("aws.secretAccessKey", "faultline-test-secret");
    Executor.start(
        new Executor.Config(
            args[0],
            args[1],
            args[2],
            Duration.ofSeconds(6),
            1_000,
            RunSettings.defaults()
                .withPrecheck(RunSettings.Precheck.SKIP)
                .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))),
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(URI.create(args[3]))
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            null),
        FaultRegistry.discover());
    System.out.println("EXECUTOR READY");
    Thread.currentThread().join();
  }
}
