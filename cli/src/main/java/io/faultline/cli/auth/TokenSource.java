package io.faultline.cli.auth;

/**
 * Where the bearer token comes from. A token is a secret: implementations never put it in a
 * message, a log line or {@code toString()}.
 */
public sealed interface TokenSource permits StaticToken, ClientCredentials {
  /** A token valid now. */
  String token();

  /** Where it comes from, for messages (never the token). */
  String describe();
}
