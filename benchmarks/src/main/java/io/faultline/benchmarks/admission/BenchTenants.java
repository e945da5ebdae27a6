package io.faultline.benchmarks.admission;

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
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The tenants of one measurement: each with its own account, a policy that registers its publisher
 * key (RS256, ADR 0008) and requires signed requests, and signed process-kill requests that pass
 * every rule (a target of their own) or, with {@link Decision#REJECT}, name a region the policy
 * does not allow (every rule is still evaluated; the decision is {@code REJECTED}).
 */
final class BenchTenants {
  static final String KEY_ID = "bench";
  static final String REGION = "eu-west-1";
  private static final String OTHER_REGION = "us-east-1";
  private static final FaultType PROCESS_KILL = FaultType.of("ec2-process-kill");
  private static final URI SOURCE = URI.create("/faultline/benchmarks");

  /** What the requests ask for. */
  enum Decision {
    APPROVE,
    REJECT
  }

  private final String run;
  private final int count;
  private final KeyPair[] keys;
  private final Decision decision;
  private final EventCodec codec = EventCodec.standard();

  BenchTenants(String run, int count, Decision decision) {
    this.run = run;
    this.count = count;
    this.decision = decision;
    this.keys = IntStream.range(0, count).mapToObj(t -> rsa()).toArray(KeyPair[]::new);
  }

  int count() {
    return count;
  }

  TenantId tenant(int t) {
    return TenantId.of("bench-" + run + "-" + t);
  }

  private static String account(int t) {
    return String.format("%012d", 800_000_000_000L + t);
  }

  /** Every tenant's policy as records of the policies topic. */
  List<ProducerRecord<String, byte[]>> policies() {
    Instant now = Instant.now();
    return IntStream.range(0, count)
        .mapToObj(
            t ->
                codec.encode(
                    Topics.TENANT_POLICIES,
                    FaultlineEvent.of(
                        SOURCE,
                        new TenantPolicy(
                            tenant(t),
                            1,
                            List.of(
                                new RegisteredAccount(
                                    AccountId.of(account(t)),
                                    "arn:aws:iam::" + account(t) + ":role/faultline-bench",
                                    "bench-external-" + t,
                                    List.of(AwsRegion.of(REGION)))),
                            List.of(PROCESS_KILL),
                            ProtectedTargets.none(),
                            Windows.always(),
                            new Bounds(600, 100, 10),
                            new Concurrency(Integer.MAX_VALUE, Integer.MAX_VALUE),
                            0,
                            false,
                            now,
                            "benchmarks",
                            List.of(
                                new PublisherKey(
                                    KEY_ID,
                                    PublisherKey.publicMembers(
                                        new RSAKey.Builder((RSAPublicKey) keys[t].getPublic())
                                            .build()
                                            .toJSONObject()),
                                    now,
                                    "benchmarks",
                                    null,
                                    null)),
                            true))))
        .toList();
  }

  /**
   * Request {@code i} of phase {@code phase}, encoded and signed by its tenant's key (tenants
   * round-robin); its fault id is {@link #faultId}.
   */
  ProducerRecord<String, byte[]> signedRequest(String phase, int i) {
    return signedRequest(phase, i, decision);
  }

  /** As {@link #signedRequest(String, int)}, approvable or not whatever the run's decision. */
  ProducerRecord<String, byte[]> signedRequest(String phase, int i, Decision asked) {
    int t = i % count;
    FaultRequested request = request(phase, i, t, asked);
    ProducerRecord<String, byte[]> record =
        codec.encode(
            Topics.FAULT_REQUESTS,
            FaultlineEvent.of(request.faultId().value(), SOURCE, request, null));
    return new RequestSigner(tenant(t).value() + "/" + KEY_ID, (RSAPrivateKey) keys[t].getPrivate())
        .sign(record, tenant(t).value());
  }

  /** Requests {@code 0..n-1} of a phase, signed on every core (RS256 signing is the slow part). */
  List<ProducerRecord<String, byte[]>> signedRequests(String phase, int n) {
    return IntStream.range(0, n).parallel().mapToObj(i -> signedRequest(phase, i)).toList();
  }

  static String faultId(String phase, int i) {
    return phase + "-" + i;
  }

  private FaultRequested request(String phase, int i, int t, Decision asked) {
    return FaultRequested.of(
        FaultId.of(faultId(phase, i)),
        tenant(t),
        ExperimentId.of("bench"),
        RunId.of("bench-" + run),
        PROCESS_KILL,
        AccountId.of(account(t)),
        AwsRegion.of(asked == Decision.APPROVE ? REGION : OTHER_REGION),
        Map.of(
            "PROCESS_IDS",
            "4242",
            "EC2_INSTANCE_ID",
            instance(phase, i),
            "TOTAL_CHAOS_DURATION",
            1,
            "RAMP_TIME",
            0),
        false,
        "benchmarks",
        Instant.now(),
        "P1 benchmark");
  }

  /** A target no other request of the run uses, so no request waits for another's lease. */
  private static String instance(String phase, int i) {
    return String.format("i-%017x", ((long) phase.hashCode() & 0xffffL) << 40 | i);
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
}
