package io.faultline.benchmarks.flow;

import com.nimbusds.jose.jwk.RSAKey;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
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
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A benchmark tenant: its accounts (each with the role the executor assumes), a policy allowing
 * process kills at any time with limits far above the load, and a publisher key its requests are
 * signed with (ADR 0008: tenants require signed requests by default).
 */
public record BenchTenant(TenantId tenantId, List<String> accounts, KeyPair publisherKey) {
  static final FaultType PROCESS_KILL = FaultType.of("ec2-process-kill");
  private static final String KEY_ID = "bench";
  private static final URI SOURCE = URI.create("/benchmarks/flow");

  /** {@code count} tenants of {@code accounts} accounts each, their policies registered. */
  static List<BenchTenant> registered(
      BenchPlatform platform, String name, int count, int accounts) {
    List<BenchTenant> all = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      BenchTenant tenant = create(name, accounts);
      platform.register(tenant.policy());
      all.add(tenant);
    }
    return all;
  }

  /** A new tenant {@code <name>-<random>} with {@code accounts} fresh 12-digit accounts. */
  public static BenchTenant create(String name, int accounts) {
    long base = 100_000_000_000L + (long) (Math.random() * 800_000_000_000L);
    return new BenchTenant(
        TenantId.of(name + "-" + UUID.randomUUID().toString().substring(0, 6)),
        IntStream.range(0, accounts).mapToObj(i -> Long.toString(base + i)).toList(),
        rsa());
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has RSA", e);
    }
  }

  static String roleArn(String account) {
    return "arn:aws:iam::" + account + ":role/faultline-target";
  }

  public TenantPolicy policy() {
    return new TenantPolicy(
        tenantId,
        1,
        accounts.stream()
            .map(
                a ->
                    new RegisteredAccount(
                        AccountId.of(a),
                        roleArn(a),
                        "bench-external-" + tenantId.value(),
                        List.of(AwsRegion.of(BenchPlatform.REGION))))
            .toList(),
        List.of(PROCESS_KILL),
        ProtectedTargets.none(),
        Windows.always(),
        new Bounds(86_400, 100, 10_000),
        new Concurrency(1_000_000, 1_000_000),
        0,
        false,
        Instant.now(),
        "benchmarks",
        List.of(
            new PublisherKey(
                KEY_ID,
                PublisherKey.publicMembers(
                    new RSAKey.Builder((RSAPublicKey) publisherKey.getPublic())
                        .build()
                        .toJSONObject()),
                Instant.now(),
                "benchmarks",
                null,
                null)),
        true);
  }

  /**
   * A process kill of a made-up PID held {@code holdSeconds}, on one instance by id or on the
   * instances a tag selects ({@code target} {@code i-…} or {@code key:value}).
   */
  public FaultRequested processKill(
      String faultId, String runId, String account, String target, int holdSeconds) {
    return FaultRequested.of(
        FaultId.of(faultId),
        tenantId,
        ExperimentId.of("bench"),
        RunId.of(runId),
        PROCESS_KILL,
        AccountId.of(account),
        AwsRegion.of(BenchPlatform.REGION),
        target.startsWith("i-")
            ? Map.of(
                "PROCESS_IDS",
                "4242",
                "EC2_INSTANCE_ID",
                target,
                "TOTAL_CHAOS_DURATION",
                holdSeconds,
                "RAMP_TIME",
                0)
            : Map.of(
                "PROCESS_IDS",
                "4242",
                "EC2_INSTANCE_TAG",
                target,
                "INSTANCE_AFFECTED_PERC",
                100,
                "TOTAL_CHAOS_DURATION",
                holdSeconds,
                "RAMP_TIME",
                0),
        false,
        "benchmarks",
        Instant.now(),
        "benchmark load");
  }

  /** The request as a signed record on the requests topic, ready to send. */
  public ProducerRecord<String, byte[]> signed(FaultRequested request) {
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                Topics.FAULT_REQUESTS,
                FaultlineEvent.of(request.faultId().value(), SOURCE, request, null));
    return new RequestSigner(
            tenantId.value() + "/" + KEY_ID, (RSAPrivateKey) publisherKey.getPrivate())
        .sign(record, tenantId.value());
  }
}
