package io.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.testsupport.LoopbackPorts;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing and exit codes of what needs no platform, and of a platform that does not answer. */
class CommandLineTest {
  private static final Map<String, String> TOKEN = Map.of("FAULTLINE_TOKEN", "t0ken-value-42");

  @Test
  void noCommandIsAUsageError() {
    CliRun run = CliRun.of();
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("a command is required: run, publish, events, halt or resume");
  }

  @Test
  void anUnknownOptionIsAUsageErrorNamingIt() {
    CliRun run = CliRun.of(TOKEN, "run", "exp-1", "--tenant", "demo", "--wiat");
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("Unknown option: '--wiat'").contains("faultline run --help");
  }

  @Test
  void aTokenOnTheCommandLineIsRefusedWithoutEchoingIt() {
    CliRun run = CliRun.of("halt", "--tenant", "demo", "--token", "s3cret-typed-token");
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err())
        .contains("--token is not accepted")
        .contains("FAULTLINE_TOKEN")
        .contains("--token-file")
        .doesNotContain("s3cret-typed-token");
  }

  @Test
  void withoutCredentialsTheCommandSaysWhichToSet() {
    CliRun run = CliRun.of("run", "exp-1", "--tenant", "demo");
    assertThat(run.exitCode()).isEqualTo(77);
    assertThat(run.err())
        .contains("FAULTLINE_TOKEN")
        .contains("--token-file")
        .contains("FAULTLINE_TOKEN_URL");
  }

  @Test
  void aMalformedTimeoutNamesTheOptionAndTheRule() {
    CliRun run = CliRun.of(TOKEN, "run", "exp-1", "--tenant", "demo", "--timeout", "30x");
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("'--timeout'").contains("rule: format");
  }

  @Test
  void anUnknownOutputFormatIsAUsageError() {
    CliRun run = CliRun.of(TOKEN, "halt", "--tenant", "demo", "--output", "yaml");
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("'yaml' is not one of text, json");
  }

  @Test
  void haltNeedsExactlyOneScope() {
    assertThat(CliRun.of(TOKEN, "halt", "--tenant", "demo", "--platform").exitCode()).isEqualTo(64);
    CliRun none = CliRun.of(TOKEN, "resume");
    assertThat(none.exitCode()).isEqualTo(64);
    assertThat(none.err()).contains("--tenant=TENANT").contains("--platform");
  }

  @Test
  void eventsNeedFollowOrLimitBecauseTheStreamIsLive() {
    CliRun run = CliRun.of(TOKEN, "events", "--tenant", "demo");
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("pass --follow").contains("--limit N");
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedNamingTheRule() {
    CliRun run = CliRun.of(TOKEN, "halt", "--tenant", "demo", "--url", "ftp://x");
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).contains("--url 'ftp://x'").contains("rule: httpUrl");
    CliRun env =
        CliRun.of(
            Map.of("FAULTLINE_TOKEN", "t", "FAULTLINE_URL", "http://user:pw@localhost:8080"),
            "halt",
            "--tenant",
            "demo");
    assertThat(env.exitCode()).isEqualTo(64);
    assertThat(env.err()).contains("FAULTLINE_URL must not carry credentials");
  }

  @Test
  void anUnreachablePlatformExits69ForEveryCommand() {
    String url = "http://127.0.0.1:" + LoopbackPorts.free();
    for (String[] args :
        new String[][] {
          {"run", "exp-1", "--tenant", "demo", "--url", url},
          {"halt", "--tenant", "demo", "--url", url},
          {"resume", "--platform", "--url", url},
          {"events", "--tenant", "demo", "--limit", "1", "--url", url}
        }) {
      CliRun run = CliRun.of(TOKEN, args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(69);
      assertThat(run.err()).contains("cannot be reached").contains(url);
      assertThat(run.out() + run.err()).doesNotContain("t0ken-value-42");
    }
  }

  @Test
  void theUrlComesFromTheEnvironmentWhenNoFlagGivesIt() {
    String url = "http://127.0.0.1:" + LoopbackPorts.free();
    CliRun run =
        CliRun.of(Map.of("FAULTLINE_TOKEN", "t", "FAULTLINE_URL", url), "halt", "--tenant", "demo");
    assertThat(run.exitCode()).isEqualTo(69);
    assertThat(run.err()).contains(url);
  }

  @Test
  void helpListsEveryExitCode() {
    CliRun run = CliRun.of("--help");
    assertThat(run.exitCode()).isZero();
    for (ExitCode code : ExitCode.values()) {
      assertThat(run.out()).contains(code.meaning().substring(0, 20));
    }
  }

  @Test
  void exitCodesAreDistinct() {
    assertThat(java.util.Arrays.stream(ExitCode.values()).map(ExitCode::code).distinct())
        .hasSize(ExitCode.values().length);
  }
}
