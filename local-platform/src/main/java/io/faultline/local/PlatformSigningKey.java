package io.faultline.local;

import io.faultline.events.signing.PemKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The scheduler's platform signing key for one local start (ADR 0008): a fresh RSA key pair, the
 * private half readable by its owner only, the public half for the policy service. The scheduler
 * signs its fault requests with it; the policy service accepts them as the platform's.
 *
 * @param privateKey PEM PKCS#8 ({@code faultline.scheduler.signing.private-key-file})
 * @param publicKey PEM SubjectPublicKeyInfo ({@code faultline.policy.signatures.platform-keys.*})
 */
record PlatformSigningKey(String keyId, Path privateKey, Path publicKey) {
  static final String KEY_ID = "local";

  static PlatformSigningKey create(Path dir) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Files.createDirectories(dir);
      Path privateKey = dir.resolve("scheduler-signing.pem");
      Files.deleteIfExists(privateKey);
      Files.createFile(
          privateKey,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(privateKey, PemKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Path publicKey = dir.resolve("scheduler-signing.pub.pem");
      Files.writeString(publicKey, PemKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      return new PlatformSigningKey(KEY_ID, privateKey, publicKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the platform signing key in " + dir, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has RSA", e);
    }
  }

  /** The policy service's argument that trusts this key. */
  String policyArgument() {
    return "--faultline.policy.signatures.platform-keys." + keyId + "=" + publicKey;
  }

  /** The scheduler's arguments that make it sign with this key. */
  List<String> schedulerArguments() {
    return List.of(
        "--faultline.scheduler.signing.private-key-file=" + privateKey,
        "--faultline.scheduler.signing.key-id=" + keyId);
  }
}
