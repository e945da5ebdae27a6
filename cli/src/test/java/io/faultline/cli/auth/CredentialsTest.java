package io.faultline.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.cli.CliException;
import io.faultline.cli.Environment;
import io.faultline.cli.ExitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  private static final String SECRET = "cl1ent-s3cret/with+chars";

  @TempDir Path dir;

  @Test
  void theTokenVariableIsUsedAsItIs() {
    TokenSource source = Credentials.from(env(Map.of("FAULTLINE_TOKEN", " abc.def.ghi\n")), null);
    assertThat(source.token()).isEqualTo("abc.def.ghi");
    assertThat(source.toString()).doesNotContain("abc.def.ghi");
    assertThat(source.describe()).isEqualTo("FAULTLINE_TOKEN");
  }

  @Test
  void aTokenFileIsReadAndTrimmed() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "eyJ.file.token\n");
    assertThat(Credentials.from(env(Map.of()), file).token()).isEqualTo("eyJ.file.token");
  }

  @Test
  void anEmptyOrUnreadableTokenFileIsRefusedWithoutItsContent() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> Credentials.from(env(Map.of()), empty))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("holds no token");
    Path twoTokens = Files.writeString(dir.resolve("two"), "first-token second-token");
    assertThatThrownBy(() -> Credentials.from(env(Map.of()), twoTokens))
        .hasMessageContaining("whitespace")
        .hasMessageNotContaining("first-token");
    assertThatThrownBy(() -> Credentials.from(env(Map.of()), dir.resolve("missing")))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void credentialsGivenTwoWaysAreRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "t");
    assertThatThrownBy(() -> Credentials.from(env(Map.of("FAULTLINE_TOKEN", "t")), file))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("--token-file, FAULTLINE_TOKEN")
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.USAGE));
  }

  @Test
  void clientCredentialsAuthenticateWithBasicAndReuseTheTokenUntilShortlyBeforeItExpires() {
    MutableClock clock = new MutableClock();
    try (TokenEndpoint endpoint =
        new TokenEndpoint()
            .answering(
                200, "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":300}")) {
      TokenSource source =
          Credentials.from(
              clientCredentials(endpoint, Map.of("FAULTLINE_SCOPE", "faultline:run")), null, clock);

      assertThat(source.token()).isEqualTo("tok-1");
      assertThat(source.token()).isEqualTo("tok-1");
      assertThat(endpoint.calls()).hasSize(1);
      TokenEndpoint.Call call = endpoint.calls().get(0);
      assertThat(call.contentType()).isEqualTo("application/x-www-form-urlencoded");
      assertThat(call.body()).isEqualTo("grant_type=client_credentials&scope=faultline%3Arun");
      assertThat(call.authorization()).startsWith("Basic ");
      String pair =
          new String(
              Base64.getDecoder().decode(call.authorization().substring(6)),
              StandardCharsets.UTF_8);
      assertThat(pair).isEqualTo("ci-bot:cl1ent-s3cret%2Fwith%2Bchars");

      endpoint.answering(200, "{\"access_token\":\"tok-2\",\"expires_in\":300}");
      clock.advance(Duration.ofSeconds(269));
      assertThat(source.token()).isEqualTo("tok-1");
      clock.advance(Duration.ofSeconds(2));
      assertThat(source.token()).isEqualTo("tok-2");
      assertThat(endpoint.calls()).hasSize(2);
      assertThat(source.toString()).doesNotContain(SECRET).doesNotContain("tok-");
    }
  }

  @Test
  void aRefusalOfTheTokenEndpointIsShownWithoutTheSecret() {
    try (TokenEndpoint endpoint =
        new TokenEndpoint()
            .answering(
                401,
                "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication"
                    + " failed\"}")) {
      TokenSource source = Credentials.from(clientCredentials(endpoint, Map.of()), null);
      assertThatThrownBy(source::token)
          .isInstanceOf(CliException.class)
          .hasMessageContaining(
              "refused client ci-bot: 401 invalid_client: Client authentication failed")
          .hasMessageNotContaining(SECRET)
          .satisfies(
              e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.NOT_PERMITTED));
    }
  }

  @Test
  void anAnswerWithoutAnAccessTokenIsRefused() {
    try (TokenEndpoint endpoint =
        new TokenEndpoint().answering(200, "{\"token_type\":\"Bearer\"}")) {
      assertThatThrownBy(
              () -> Credentials.from(clientCredentials(endpoint, Map.of()), null).token())
          .hasMessageContaining("without an access_token");
    }
  }

  @Test
  void clientCredentialsNeedAllThreeVariablesAndHttpsBeyondThisMachine() {
    assertThatThrownBy(
            () ->
                Credentials.from(
                    env(
                        Map.of(
                            "FAULTLINE_TOKEN_URL",
                            "https://idp.example.com/token",
                            "FAULTLINE_CLIENT_ID",
                            "x")),
                    null))
        .hasMessageContaining("FAULTLINE_CLIENT_SECRET is not set");
    assertThatThrownBy(
            () ->
                Credentials.from(
                    env(
                        Map.of(
                            "FAULTLINE_TOKEN_URL", "http://idp.example.com/token",
                            "FAULTLINE_CLIENT_ID", "x",
                            "FAULTLINE_CLIENT_SECRET", SECRET)),
                    null))
        .hasMessageContaining("must be an https URL (rule: https")
        .hasMessageNotContaining(SECRET);
  }

  private static Environment clientCredentials(TokenEndpoint endpoint, Map<String, String> more) {
    Map<String, String> variables = new HashMap<>(more);
    variables.put("FAULTLINE_TOKEN_URL", endpoint.uri().toString());
    variables.put("FAULTLINE_CLIENT_ID", "ci-bot");
    variables.put("FAULTLINE_CLIENT_SECRET", SECRET);
    return env(variables);
  }

  private static Environment env(Map<String, String> variables) {
    return new Environment(variables);
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-05T20:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
