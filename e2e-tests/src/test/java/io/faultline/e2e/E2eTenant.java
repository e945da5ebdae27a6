package io.faultline.e2e;

import com.nimbusds.jose.jwk.RSAKey;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.Concurrency;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.Windows;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.signing.RequestSigner;
import io.faultline.local.MotoAccount;
import io.faultline.testsupport.MotoServer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant of one test: its own id, a registered moto account with one running instance, and a
 * policy that allows a short process kill on it any time, and a publisher key its requests are
 * signed with (ADR 0008). Unique ids keep tests on the shared broker and moto apart.
 */
record E2eTenant(TenantId tenantId, MotoAccount account, String instanceId, KeyPair publisherKey) {
  static final String KEY_ID = "e2e";

  static final FaultType PROCESS_KILL = FaultType.of("ec2-process-kill");

  static E2eTenant create(String name) {
    MotoAccount account = MotoAccount.fresh(MotoServer.shared().endpoint(), Platform.REGION);
    return new E2eTenant(
        TenantId.of(name + "-" + UUID.randomUUID().toString().substring(0, 8)),
        account,
        account.runInstance(),
        rsa());
  }

  /** Signs requests as this tenant's publisher, with the key its policy registers. */
  RequestSigner signer() {
    return new RequestSigner(
        tenantId.value() + "/" + KEY_ID, (RSAPrivateKey) publisherKey.getPrivate());
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  TenantPolicy policy() {
    return new TenantPolicy(
        tenantId,
        1,
        List.of(
            new RegisteredAccount(
                AccountId.of(account.accountId()),
                account.roleArn(),
                "e2e-external-" + tenantId.value(),
                List.of(AwsRegion.of(account.region())))),
        List.of(PROCESS_KILL),
        ProtectedTargets.none(),
        Windows.always(),
        new Bounds(600, 100, 10),
        new Concurrency(10, 10),
        0,
        false,
        Instant.now(),
        "e2e-tests",
        List.of(
            new PublisherKey(
                KEY_ID,
                PublisherKey.publicMembers(
                    new RSAKey.Builder((RSAPublicKey) publisherKey.getPublic())
                        .build()
                        .toJSONObject()),
                Instant.now(),
                "e2e-tests",
                null,
                null)),
        true);
  }

  /** A process kill of a made-up PID on the tenant's instance, held for one second. */
  FaultRequested processKill(String faultId) {
    return processKill(faultId, account.accountId());
  }

  /**
   * A process kill of a made-up PID on every instance of the tenant's account the tag {@code
   * key:value} selects, held {@code seconds}: the executor claims what it resolved (issue 16).
   */
  FaultRequested processKillByTag(String faultId, String tag, int seconds) {
    return processKill(
        faultId,
        account.accountId(),
        Map.of("EC2_INSTANCE_TAG", tag, "INSTANCE_AFFECTED_PERC", 100),
        seconds,
        "e2e-tags",
        "end-to-end target claims test");
  }

  /** As {@link #processKill(String)} in any account, e.g. one the tenant never registered. */
  FaultRequested processKill(String faultId, String accountId) {
    return processKill(
        faultId,
        accountId,
        Map.of("EC2_INSTANCE_ID", instanceId),
        1,
        "e2e-tracing",
        "end-to-end tracing test");
  }

  private FaultRequested processKill(
      String faultId,
      String accountId,
      Map<String, Object> selection,
      int seconds,
      String experiment,
      String reason) {
    Map<String, Object> parameters = new HashMap<>(selection);
    parameters.putAll(
        Map.of("PROCESS_IDS", "4242", "TOTAL_CHAOS_DURATION", seconds, "RAMP_TIME", 0));
    return FaultRequested.of(
        FaultId.of(faultId),
        tenantId,
        ExperimentId.of(experiment),
        RunId.of("e2e-" + faultId),
        PROCESS_KILL,
        AccountId.of(accountId),
        AwsRegion.of(account.region()),
        parameters,
        false,
        "e2e-tests",
        Instant.now(),
        reason);
  }
}
