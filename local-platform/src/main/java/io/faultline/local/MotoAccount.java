package io.faultline.local;

import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * A tenant's AWS account in moto and the role Faultline assumes into it. moto keeps state per
 * account, so a fresh account id gives a test (or the demo) instances nobody else sees.
 *
 * @param endpoint moto's server
 */
public record MotoAccount(URI endpoint, String accountId, String region) {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A fresh random 12-digit account. */
  public static MotoAccount fresh(URI endpoint, String region) {
    return new MotoAccount(
        endpoint,
        Long.toString(400_000_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 99_999_999_999L),
        region);
  }

  public String roleArn() {
    return "arn:aws:iam::" + accountId + ":role/faultline-target";
  }

  /** Starts one running instance in the account, as the tenant's operator would; its id. */
  public String runInstance() {
    return runInstances(1, Map.of()).get(0);
  }

  /** Starts {@code count} running instances carrying {@code tags}; their ids. */
  public List<String> runInstances(int count, Map<String, String> tags) {
    try (Ec2Client ec2 =
        Ec2Client.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .credentialsProvider(assumedCredentials())
            .build()) {
      return ec2
          .runInstances(
              b -> {
                b.imageId("ami-12c6146b")
                    .instanceType(InstanceType.T3_MICRO)
                    .minCount(count)
                    .maxCount(count);
                if (!tags.isEmpty()) {
                  b.tagSpecifications(
                      TagSpecification.builder()
                          .resourceType(ResourceType.INSTANCE)
                          .tags(
                              tags.entrySet().stream()
                                  .map(
                                      t ->
                                          Tag.builder().key(t.getKey()).value(t.getValue()).build())
                                  .toList())
                          .build());
                }
              })
          .instances()
          .stream()
          .map(Instance::instanceId)
          .toList();
    }
  }

  StaticCredentialsProvider assumedCredentials() {
    try (StsClient sts =
        StsClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("fixtures", "fixtures-secret")))
            .build()) {
      Credentials c =
          sts.assumeRole(
                  b -> b.roleArn(roleArn()).roleSessionName("fixtures").externalId("fixtures"))
              .credentials();
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }
  }
}
