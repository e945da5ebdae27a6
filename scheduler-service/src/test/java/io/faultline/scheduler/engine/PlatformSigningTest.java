package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.faultline.events.signing.PemKeys;
import io.faultline.events.signing.RequestSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class PlatformSigningTest {
  private static KeyPair key;
  @TempDir Path dir;

  @BeforeAll
  static void generate() throws NoSuchAlgorithmException {
    key = rsa(2048);
  }

  private static KeyPair rsa(int bits) throws NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  private Path pem(String name, String label, byte[] der) throws IOException {
    return Files.writeString(dir.resolve(name), PemKeys.pem(label, der));
  }

  @Test
  void publishesUnsignedWhenNoKeyFileIsConfiguredAndSaysSoOnceAtWarn() {
    Logger logger = (Logger) LoggerFactory.getLogger(PlatformSigning.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      assertThat(PlatformSigning.signer(new SchedulerProperties.Signing(null, null))).isEmpty();
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(PlatformSigning.signer(new SchedulerProperties.Signing(" ", null))).isEmpty();

    assertThat(logged.list).hasSize(1);
    assertThat(logged.list.getFirst().getLevel()).isEqualTo(Level.WARN);
    assertThat(logged.list.getFirst().getFormattedMessage())
        .isEqualTo(
            "fault requests are published unsigned: tenants that require signed requests will"
                + " refuse the scheduler's runs; set faultline.scheduler.signing.private-key-file");
  }

  @Test
  void signsAsThePlatformKeyOfTheConfiguredKeyId() throws Exception {
    Path file = pem("key.pem", "PRIVATE KEY", key.getPrivate().getEncoded());

    RequestSigner byDefault =
        PlatformSigning.signer(new SchedulerProperties.Signing(file.toString(), null))
            .orElseThrow();
    RequestSigner named =
        PlatformSigning.signer(new SchedulerProperties.Signing(file.toString(), "sched-2027"))
            .orElseThrow();

    assertThat(byDefault.keyId()).isEqualTo("platform:scheduler");
    assertThat(named.keyId()).isEqualTo("platform:sched-2027");
  }

  @Test
  void refusesToStartWithAKeyFileItCannotUseNamingThePropertyAndTheFile() throws Exception {
    KeyPair small = rsa(1024);
    Path missing = dir.resolve("missing.pem");
    Path publicKey = pem("public.pem", "PUBLIC KEY", key.getPublic().getEncoded());
    Path weak = pem("weak.pem", "PRIVATE KEY", small.getPrivate().getEncoded());

    for (Path file : new Path[] {missing, publicKey, weak}) {
      assertThatThrownBy(
              () -> PlatformSigning.signer(new SchedulerProperties.Signing(file.toString(), null)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("faultline.scheduler.signing.private-key-file")
          .hasMessageContaining(file.toAbsolutePath().toString());
    }
    assertThatThrownBy(
            () -> PlatformSigning.signer(new SchedulerProperties.Signing(weak.toString(), null)))
        .hasMessageContaining("1024 bits");
  }

  @Test
  void refusesAKeyIdThatIsNoKeyId() throws Exception {
    Path file = pem("key.pem", "PRIVATE KEY", key.getPrivate().getEncoded());

    assertThatThrownBy(
            () -> PlatformSigning.signer(new SchedulerProperties.Signing(file.toString(), "a/b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("faultline.scheduler.signing.key-id");
  }
}
