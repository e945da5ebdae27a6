package io.faultline.cli.auth;

import io.faultline.cli.CliException;
import io.faultline.cli.Environment;
import io.faultline.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the token source. Exactly one of: {@code --token-file}, {@code FAULTLINE_TOKEN}, or the
 * client credentials {@code FAULTLINE_TOKEN_URL} + {@code FAULTLINE_CLIENT_ID} + {@code
 * FAULTLINE_CLIENT_SECRET} (+ optional {@code FAULTLINE_SCOPE}). A token is never taken as a plain
 * command-line value: it would land in shell history and in {@code ps}.
 */
public final class Credentials {
  public static final String TOKEN = "FAULTLINE_TOKEN";
  public static final String TOKEN_URL = "FAULTLINE_TOKEN_URL";
  public static final String CLIENT_ID = "FAULTLINE_CLIENT_ID";
  public static final String CLIENT_SECRET = "FAULTLINE_CLIENT_SECRET";
  public static final String SCOPE = "FAULTLINE_SCOPE";

  private Credentials() {}

  public static TokenSource from(Environment env, Path tokenFile) {
    return from(env, tokenFile, Clock.systemUTC());
  }

  static TokenSource from(Environment env, Path tokenFile, Clock clock) {
    List<String> given = new ArrayList<>();
    if (tokenFile != null) {
      given.add("--token-file");
    }
    env.get(TOKEN).ifPresent(t -> given.add(TOKEN));
    boolean clientCredentials =
        env.get(TOKEN_URL).isPresent()
            || env.get(CLIENT_ID).isPresent()
            || env.get(CLIENT_SECRET).isPresent();
    if (clientCredentials) {
      given.add(TOKEN_URL + "/" + CLIENT_ID + "/" + CLIENT_SECRET);
    }
    if (given.isEmpty()) {
      throw new CliException(
          ExitCode.NOT_PERMITTED,
          "no credentials: set "
              + TOKEN
              + ", pass --token-file FILE, or set "
              + TOKEN_URL
              + ", "
              + CLIENT_ID
              + " and "
              + CLIENT_SECRET
              + " (OAuth2 client credentials)");
    }
    if (given.size() > 1) {
      throw new CliException(
          ExitCode.USAGE,
          "credentials given more than one way ("
              + String.join(", ", given)
              + "): use exactly one");
    }
    if (tokenFile != null) {
      return new StaticToken(read(tokenFile), "--token-file " + tokenFile);
    }
    Optional<String> token = env.get(TOKEN);
    if (token.isPresent()) {
      return new StaticToken(token.get(), TOKEN);
    }
    String url = require(env, TOKEN_URL);
    String clientId = require(env, CLIENT_ID);
    String secret = require(env, CLIENT_SECRET);
    URI tokenUrl;
    try {
      tokenUrl = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, TOKEN_URL + " is not a URL (rule: uri)");
    }
    if (!"https".equals(tokenUrl.getScheme()) && !isLoopback(tokenUrl)) {
      // The client secret travels in the request: only over TLS, or to this machine.
      throw new CliException(
          ExitCode.USAGE,
          TOKEN_URL + " must be an https URL (rule: https; plain http only to localhost)");
    }
    return new ClientCredentials(tokenUrl, clientId, secret, env.get(SCOPE).orElse(null), clock);
  }

  private static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    return "http".equals(uri.getScheme())
        && host != null
        && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
  }

  private static String require(Environment env, String name) {
    return env.get(name)
        .orElseThrow(
            () ->
                new CliException(
                    ExitCode.USAGE,
                    name
                        + " is not set: client credentials need "
                        + TOKEN_URL
                        + ", "
                        + CLIENT_ID
                        + " and "
                        + CLIENT_SECRET));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE,
          "--token-file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
