package io.faultline.e2e;

import io.faultline.testsupport.MotoServer;
import java.security.SecureRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * A tenant's AWS account in moto: a fresh 12-digit account id (moto keeps state per account, so
 * tests never see each other's instances or commands) and the role Faultline assumes into it.
 */
record MotoAccount(String accountId, String region) {
  private static final SecureRandom RANDOM = new SecureRandom();

  static MotoAccount fresh(String region) {
    return new MotoAccount(
        Long.toString(400_000_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 99_999_999_999L),
        region);
  }

  String roleArn() {
    return "arn:aws:iam::" + accountId + ":role/faultline-target";
  }

  /** Starts one running instance in the account, as the tenant's operator would; its id. */
  String runInstance() {
    try (Ec2Client ec2 =
        Ec2Client.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(region))
            .credentialsProvider(assumedCredentials())
            .build()) {
      return ec2.runInstances(
              b ->
                  b.imageId("ami-12c6146b")
                      .instanceType(InstanceType.T3_MICRO)
                      .minCount(1)
                      .maxCount(1))
          .instances()
          .get(0)
          .instanceId();
    }
  }

  private StaticCredentialsProvider assumedCredentials() {
    try (StsClient sts =
        StsClient.builder()
            .endpointOverride(MotoServer.shared().endpoint())
            .region(Region.of(region))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("e2e", "e2e-secret")))
            .build()) {
      Credentials c =
          sts.assumeRole(
                  b -> b.roleArn(roleArn()).roleSessionName("e2e-fixtures").externalId("fixtures"))
              .credentials();
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }
  }
}
