package io.faultline.executor.aws;

import io.faultline.testsupport.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Test fixtures in moto, one fresh AWS account per test (moto keeps state per account, so tests
 * never see each other's instances or commands). Resources are created through credentials assumed
 * into that account, as an operator of the tenant account would.
 */
public final class MotoAccounts {
  private static final AtomicLong NEXT =
      new AtomicLong(300_000_000_000L + (System.nanoTime() % 1_000_000) * 1_000);
  public static final String REGION = "eu-west-1";

  static {
    // The executor's base credentials come from the SDK default chain; moto accepts anything.
    System.setProperty("aws.accessKeyId", "AKIAFAULTLINETEST");
    System.setProperty("aws.secretAccessKey", "faultline-test-secret");
  }

  private MotoAccounts() {}

  /** Makes sure the base credentials are set before any executor is built. */
  public static void init() {
    MotoServer.shared();
  }

  /** A 12-digit account id no other test uses. */
  public static String freshAccount() {
    return Long.toString(NEXT.incrementAndGet());
  }

  public static String roleArn(String account) {
    return "arn:aws:iam::" + account + ":role/faultline-target";
  }

  /** Starts {@code count} running instances with {@code tags} in the account; returns their ids. */
  public static List<String> runInstances(String account, int count, Map<String, String> tags) {
    return runInstances(account, count, tags, null);
  }

  /** As above, placed in availability zone {@code zone} (null: moto's default). */
  public static List<String> runInstances(
      String account, int count, Map<String, String> tags, String zone) {
    try (Ec2Client ec2 =
        Ec2Client.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(credentials(account))
            .build()) {
      List<Tag> list =
          tags.entrySet().stream()
              .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
              .toList();
      var request =
          software.amazon.awssdk.services.ec2.model.RunInstancesRequest.builder()
              .imageId("ami-12c6146b")
              .instanceType(InstanceType.T3_MICRO)
              .minCount(count)
              .maxCount(count);
      if (zone != null) {
        request.placement(
            software.amazon.awssdk.services.ec2.model.Placement.builder()
                .availabilityZone(zone)
                .build());
      }
      if (!list.isEmpty()) {
        request.tagSpecifications(
            TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(list).build());
      }
      return ec2.runInstances(request.build()).instances().stream()
          .map(software.amazon.awssdk.services.ec2.model.Instance::instanceId)
          .toList();
    }
  }

  /**
   * Every SSM command moto holds for the account, whoever sent it, as {@code <Action> <comment>}:
   * what an executor's own recorder cannot see (another process's commands).
   */
  public static List<String> commands(String account) {
    try (SsmClient ssm =
        SsmClient.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(credentials(account))
            .build()) {
      return ssm.listCommands(b -> b.maxResults(50)).commands().stream()
          .map(
              c ->
                  c.parameters().getOrDefault("Action", List.of("?")).getFirst()
                      + " "
                      + c.comment())
          .toList();
    }
  }

  /** Stops instances (they stay known but are not running). */
  public static void stopInstances(String account, List<String> ids) {
    try (Ec2Client ec2 =
        Ec2Client.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(credentials(account))
            .build()) {
      ec2.stopInstances(b -> b.instanceIds(ids));
    }
  }

  /** Creates an ECS cluster whose container instances are the given EC2 instances. */
  public static void createCluster(String account, String cluster, List<String> instanceIds) {
    try (EcsClient ecs =
        EcsClient.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(credentials(account))
            .build()) {
      ecs.createCluster(b -> b.clusterName(cluster));
      List<String> registered = new ArrayList<>();
      for (String id : instanceIds) {
        ecs.registerContainerInstance(
            b ->
                b.cluster(cluster)
                    .instanceIdentityDocument(
                        "{\"instanceId\":\"" + id + "\",\"region\":\"" + REGION + "\"}"));
        registered.add(id);
      }
    }
  }

  public static StaticCredentialsProvider credentials(String account) {
    try (StsClient sts =
        StsClient.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build()) {
      Credentials c =
          sts.assumeRole(
                  b ->
                      b.roleArn(roleArn(account))
                          .roleSessionName("fixtures")
                          .externalId("fixtures"))
              .credentials();
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }
  }
}
