package io.faultline.cli;

import io.faultline.cli.api.SchedulerClient;
import io.faultline.cli.auth.Credentials;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reaches the scheduler: its URL and the caller's credentials. */
public final class PlatformOptions {
  public static final String URL_VARIABLE = "FAULTLINE_URL";
  public static final String DEFAULT_URL = "http://localhost:8080";

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The scheduler's base URL (env FAULTLINE_URL; default " + DEFAULT_URL + ").")
  String url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding the bearer token. Otherwise FAULTLINE_TOKEN, or OAuth2 client"
              + " credentials: FAULTLINE_TOKEN_URL, FAULTLINE_CLIENT_ID, FAULTLINE_CLIENT_SECRET"
              + " (optional FAULTLINE_SCOPE).")
  Path tokenFile;

  // Declared only to refuse it with a reason: a token typed on the command line lands in shell
  // history and in every `ps` listing.
  @Option(names = "--token", hidden = true, paramLabel = "TOKEN")
  String token;

  /** A client of the scheduler at the configured URL with the configured credentials. */
  public SchedulerClient client(Environment env) {
    if (token != null) {
      throw new CliException(
          ExitCode.USAGE,
          "--token is not accepted: a token on the command line lands in shell history; set"
              + " FAULTLINE_TOKEN or use --token-file FILE");
    }
    return new SchedulerClient(baseUrl(env), Credentials.from(env, tokenFile));
  }

  URI baseUrl(Environment env) {
    String value = url != null ? url : env.get(URL_VARIABLE).orElse(DEFAULT_URL);
    String option = url != null ? "--url" : URL_VARIABLE;
    URI uri;
    try {
      uri = URI.create(value.strip());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, option + " '" + value + "' is not a URL (rule: uri)");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new CliException(
          ExitCode.USAGE,
          option + " '" + value + "' must be an http(s) URL with a host (rule: httpUrl)");
    }
    if (uri.getUserInfo() != null) {
      throw new CliException(
          ExitCode.USAGE,
          option + " must not carry credentials (rule: noUserInfo); use FAULTLINE_TOKEN");
    }
    return uri;
  }
}
