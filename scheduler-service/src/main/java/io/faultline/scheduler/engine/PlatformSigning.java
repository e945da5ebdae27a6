package io.faultline.scheduler.engine;

import io.faultline.events.policy.PublisherKey;
import io.faultline.events.signing.PemKeys;
import io.faultline.events.signing.RequestSigner;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signer of the scheduler's own fault requests (ADR 0008): its platform key, named {@code
 * platform:<key id>} in each request's JWS {@code kid}. The policy service accepts that key only on
 * requests whose source is the scheduler's.
 */
final class PlatformSigning {
  private static final Logger log = LoggerFactory.getLogger(PlatformSigning.class);
  static final String KEY_FILE_PROPERTY = "faultline.scheduler.signing.private-key-file";
  static final String KEY_ID_PROPERTY = "faultline.scheduler.signing.key-id";
  static final String KID_PREFIX = "platform:";

  private PlatformSigning() {}

  /**
   * The signer the settings configure; empty (logged at WARN) when no key file is set.
   *
   * @throws IllegalStateException naming the property and the file when the file cannot be read,
   *     holds no PKCS#8 RSA private key, or one shorter than 2048 bits; or naming the key id
   *     property when the key id is not a valid key id
   */
  static Optional<RequestSigner> signer(SchedulerProperties.Signing signing) {
    if (signing.privateKeyFile() == null) {
      log.warn(
          "fault requests are published unsigned: tenants that require signed requests will"
              + " refuse the scheduler's runs; set {}",
          KEY_FILE_PROPERTY);
      return Optional.empty();
    }
    if (!signing.keyId().matches(PublisherKey.KEY_ID_PATTERN)) {
      throw new IllegalStateException(
          KEY_ID_PROPERTY
              + " '"
              + signing.keyId()
              + "' is not a key id; it must match "
              + PublisherKey.KEY_ID_PATTERN);
    }
    Path file = Path.of(signing.privateKeyFile());
    RSAPrivateKey key;
    try {
      key = PemKeys.privateKey(file);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          KEY_FILE_PROPERTY
              + " names "
              + file.toAbsolutePath()
              + ", which is not a readable PEM RSA private key (PKCS#8, 'BEGIN PRIVATE KEY'): "
              + (e instanceof UncheckedIOException io ? io.getCause() : e.getMessage()),
          e);
    }
    int bits = key.getModulus().bitLength();
    if (bits < PublisherKey.MIN_MODULUS_BITS) {
      throw new IllegalStateException(
          KEY_FILE_PROPERTY
              + " names "
              + file.toAbsolutePath()
              + ", an RSA key of "
              + bits
              + " bits; at least "
              + PublisherKey.MIN_MODULUS_BITS
              + " are required");
    }
    RequestSigner signer = new RequestSigner(KID_PREFIX + signing.keyId(), key);
    log.info("fault requests are signed with the platform key {} ({})", signer.keyId(), file);
    return Optional.of(signer);
  }
}
