package io.faultline.events.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * RSA keys from PEM files as {@code openssl} writes them: a private key in PKCS#8 ({@code BEGIN
 * PRIVATE KEY}, the default of {@code openssl genpkey}) and a public key in SubjectPublicKeyInfo
 * ({@code BEGIN PUBLIC KEY}, {@code openssl pkey -pubout}).
 */
public final class PemKeys {
  private PemKeys() {}

  public static RSAPrivateKey privateKey(Path file) {
    try {
      return (RSAPrivateKey)
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(der(file, "PRIVATE KEY")));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(file + " holds no PKCS#8 RSA private key: " + e, e);
    }
  }

  public static RSAPublicKey publicKey(Path file) {
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(file + " holds no RSA public key: " + e, e);
    }
  }

  /** PEM text for a key's encoding ({@code PUBLIC KEY} or {@code PRIVATE KEY}). */
  public static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static byte[] der(Path file, String label) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + file, e);
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          file + " is not a PEM file with a '" + begin + "' block (an RSA key is expected)");
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }
}
