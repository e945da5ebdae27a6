package io.faultline.benchmarks.flow;

import io.faultline.benchmarks.aws.BenchAws;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The raw AWS leg: one SSM SendCommand from the AWS SDK (this JVM, warm client) to the stub, call
 * start → response. The executor's own calls add its rate limiter, bulkhead and breaker on top.
 */
final class SsmCall {
  private SsmCall() {}

  static Latencies measure(BenchAws aws, int samples) {
    try (SsmClient ssm =
        SsmClient.builder()
            .endpointOverride(aws.endpoint())
            .region(Region.of(BenchPlatform.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("raw", "raw-secret")))
            .build()) {
      List<Long> nanos = new ArrayList<>();
      for (int i = -20; i < samples; i++) {
        long start = System.nanoTime();
        ssm.sendCommand(
            b ->
                b.documentName("faultline-bench")
                    .instanceIds("i-0000000000000001")
                    .comment("raw leg"));
        if (i >= 0) {
          nanos.add(System.nanoTime() - start);
        }
      }
      return Latencies.of(nanos);
    }
  }
}
