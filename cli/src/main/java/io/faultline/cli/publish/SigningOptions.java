package io.faultline.cli.publish;

import io.faultline.cli.CliException;
import io.faultline.cli.Environment;
import io.faultline.cli.ExitCode;
import io.faultline.events.signing.PemKeys;
import io.faultline.events.signing.RequestSigner;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The tenant's publisher key (ADR 0008): with one, every request is signed ({@code kid} = {@code
 * <tenant>/<key id>}); without one it is sent unsigned, which a tenant requiring signed requests
 * refuses.
 */
public final class SigningOptions {
  public static final String KEY_VARIABLE = "FAULTLINE_SIGNING_KEY";
  public static final String KEY_ID_VARIABLE = "FAULTLINE_SIGNING_KEY_ID";
  private static final Pattern KEY_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "The tenant's publisher private key, PKCS#8 PEM (openssl genpkey) (env"
              + " FAULTLINE_SIGNING_KEY).")
  Path keyFile;

  @Option(
      names = "--key-id",
      paramLabel = "ID",
      description = "The key id it was registered with (env FAULTLINE_SIGNING_KEY_ID).")
  String keyId;

  /** The signer for {@code tenant}'s requests, or empty when no key is configured. */
  Optional<RequestSigner> signer(Environment env, String tenant) {
    Path file = keyFile != null ? keyFile : env.get(KEY_VARIABLE).map(Path::of).orElse(null);
    String id = keyId != null ? keyId : env.get(KEY_ID_VARIABLE).orElse(null);
    if (file == null && id == null) {
      return Optional.empty();
    }
    if (file == null || id == null) {
      throw new CliException(
          ExitCode.USAGE,
          "signing needs both --signing-key (FAULTLINE_SIGNING_KEY) and --key-id"
              + " (FAULTLINE_SIGNING_KEY_ID)");
    }
    if (!KEY_ID.matcher(id).matches()) {
      throw new CliException(
          ExitCode.USAGE,
          "--key-id '" + id + "' must match " + KEY_ID.pattern() + " (rule: pattern)");
    }
    try {
      return Optional.of(new RequestSigner(tenant + "/" + id, PemKeys.privateKey(file)));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new CliException(ExitCode.USAGE, "--signing-key: " + e.getMessage());
    }
  }
}
