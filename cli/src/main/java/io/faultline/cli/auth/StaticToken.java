package io.faultline.cli.auth;

import io.faultline.cli.CliException;
import io.faultline.cli.ExitCode;

/** A token given as it is: {@code FAULTLINE_TOKEN} or the content of {@code --token-file}. */
public final class StaticToken implements TokenSource {
  private final String token;
  private final String origin;

  StaticToken(String token, String origin) {
    String value = token.strip();
    if (value.isEmpty()) {
      throw new CliException(ExitCode.NOT_PERMITTED, origin + " holds no token (it is empty)");
    }
    if (value.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      // A header cannot carry it; saying which character would leak part of the secret.
      throw new CliException(
          ExitCode.NOT_PERMITTED,
          origin + " does not hold one token: it has whitespace or non-ASCII characters inside");
    }
    this.token = value;
    this.origin = origin;
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public String toString() {
    return "StaticToken[" + origin + "]";
  }
}
