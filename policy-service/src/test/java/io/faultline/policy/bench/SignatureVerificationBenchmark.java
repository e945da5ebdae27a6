package io.faultline.policy.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What verifying one signed request costs the policy service's intake (ADR 0008): the SHA-256 of
 * the request's data, the canonical signed bytes, and one signature verification, for each
 * candidate algorithm of the JDK. Run: {@code ./mvnw -B -q -pl policy-service -Pbench test-compile
 * exec:exec}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureVerificationBenchmark {
  /** JWS names: RS256 (RSA-2048), ES256 (P-256), EdDSA (Ed25519). */
  @Param({"RS256", "ES256", "EdDSA"})
  public String alg;

  private byte[] data;
  private byte[] signature;
  private KeyPair keys;
  private String jcaName;

  @Setup
  public void sign() throws Exception {
    KeyPairGenerator generator;
    switch (alg) {
      case "RS256" -> {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        jcaName = "SHA256withRSA";
      }
      case "ES256" -> {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        jcaName = "SHA256withECDSAinP1363Format";
      }
      case "EdDSA" -> {
        generator = KeyPairGenerator.getInstance("Ed25519");
        jcaName = "Ed25519";
      }
      default -> throw new IllegalArgumentException(alg);
    }
    keys = generator.generateKeyPair();
    // A typical request's data: about 600 bytes of JSON.
    data =
        ("{\"faultId\":\"run-8d0c.w1.t17\",\"tenantId\":\"acme\",\"faultType\":\"ec2-process-kill\","
                + "\"accountId\":\"111111111111\",\"region\":\"eu-west-1\",\"parameters\":"
                + "{\"PROCESS_IDS\":\"1234,5678\",\"EC2_INSTANCE_TAG\":\"app:checkout\","
                + "\"INSTANCE_AFFECTED_PERC\":50,\"TOTAL_CHAOS_DURATION\":120,\"FORCE\":true},"
                + "\"dryRun\":false,\"requestedBy\":\"pipeline:deploy-bot\","
                + "\"requestedAt\":\"2026-12-05T09:00:00Z\",\"experimentId\":\"exp-checkout\","
                + "\"runId\":\"run-8d0c\"}")
            .repeat(1)
            .getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance(jcaName);
    signer.initSign(keys.getPrivate());
    signer.update(signingInput());
    signature = signer.sign();
  }

  /** The canonical form of ADR 0008 (its data digest is part of each verification). */
  private byte[] signingInput() throws Exception {
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    return ("faultline-request-v1\n"
            + "id=run-8d0c.w1.t17\n"
            + "type=io.faultline.fault.requested.v1\n"
            + "subject=run-8d0c.w1.t17\n"
            + "time=2026-12-05T09:00:00Z\n"
            + "tenant=acme\n"
            + "data-sha256="
            + digest
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public boolean verifyOneRequest() throws Exception {
    Signature verifier = Signature.getInstance(jcaName);
    verifier.initVerify(keys.getPublic());
    verifier.update(signingInput());
    return verifier.verify(signature);
  }
}
