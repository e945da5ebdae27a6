package io.faultline.executor.fault.processkill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.HostProcesses;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.fault.local.LocalRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real ec2-process-kill document by name and by pattern against real processes on this
 * host. Processes are copies of {@code sleep} under names of their own, so a name or pattern can
 * only ever match what the test started. What would match PID 1 runs inside a PID namespace of its
 * own ({@code unshare --pid}), whose PID 1 is a harmless wrapper: this host's PID 1 is never named.
 */
class ProcessKillByNameDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-process-kill");

  @TempDir Path dir;
  private final String unique = UUID.randomUUID().toString().substring(0, 6);
  private final List<Process> started = new ArrayList<>();
  private final LocalDocumentRunner runner = new LocalDocumentRunner();

  @AfterEach
  void killStarted() {
    started.forEach(Process::destroyForcibly);
  }

  /** Starts a copy of sleep named {@code name} (its comm is the first 15 characters). */
  private Process sleeper(String name) throws IOException {
    Path binary = dir.resolve(name);
    if (!Files.exists(binary)) {
      Files.copy(Path.of("/bin/sleep"), binary, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Process process =
        new ProcessBuilder(binary.toString(), "600")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    started.add(process);
    await().atMost(Duration.ofSeconds(10)).until(() -> comm(process.pid()).equals(comm(name)));
    return process;
  }

  private static String comm(String name) {
    return name.length() > 15 ? name.substring(0, 15) : name;
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private LocalRun run(LocalDocumentRunner with, Map<String, String> parameters)
      throws InterruptedException {
    Map<String, String> all = new HashMap<>(parameters);
    all.put("Action", "inject");
    all.put("FaultId", "pk-name-" + unique);
    LocalRun run = with.start(DOCUMENT, all);
    assertThat(run.await(Duration.ofSeconds(30))).isTrue();
    return run;
  }

  private LocalRun run(Map<String, String> parameters) throws InterruptedException {
    return run(runner, parameters);
  }

  private static Map<String, String> resultFor(LocalRun run, long pid) {
    return ResultLine.parseAll(run.output()).stream()
        .filter(l -> l.get("pid").equals(java.util.Optional.of(Long.toString(pid))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result for pid " + pid + ":\n" + run.output()))
        .fields();
  }

  private static List<ResultLine> processLines(LocalRun run) {
    return ResultLine.parseAll(run.output()).stream()
        .filter(l -> l.fields().containsKey("pid") && !l.fields().containsKey("action"))
        .toList();
  }

  private static ResultLine summary(LocalRun run) {
    return ResultLine.summary(run.output()).orElseThrow(() -> new AssertionError(run.output()));
  }

  /**
   * A runner whose documents run in a PID namespace of their own, under a wrapper script named
   * {@code init} as PID 1 (a script's comm is its file name) that first starts {@code before}.
   */
  private LocalDocumentRunner inPidNamespace(String init, String before, String after)
      throws IOException {
    Path wrapper = dir.resolve(init);
    // The namespace ends with its PID 1: what is to be checked inside is checked before.
    Files.writeString(
        wrapper, "#!/bin/bash\n" + before + "\n\"$@\"\nrc=$?\n" + after + "\nexit $rc\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new LocalDocumentRunner(
        Map.of(), List.of("unshare", "--pid", "--fork", "--mount-proc", wrapper.toString()));
  }

  @Test
  void killsEveryProcessOfAnExactNameAndNoOther() throws Exception {
    Process first = sleeper("pkexact-" + unique);
    Process second = sleeper("pkexact-" + unique);
    Process other = sleeper("pkother-" + unique);

    LocalRun run = run(Map.of("ProcessNames", "pkexact-" + unique, "Signal", "KILL"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(128 + 9);
    assertThat(other.isAlive()).isTrue();
    assertThat(processLines(run)).hasSize(2);
    assertThat(resultFor(run, first.pid()))
        .containsEntry("name", "pkexact-" + unique)
        .containsEntry("signal", "KILL")
        .containsEntry("outcome", "killed");
    assertThat(resultFor(run, second.pid())).containsEntry("outcome", "killed");
    assertThat(summary(run).outcome()).isEqualTo("ok");
  }

  @Test
  void matchesANameLongerThanFifteenCharactersOnItsFirstFifteen() throws Exception {
    Process longName = sleeper("pklongname-" + unique + "-worker");

    LocalRun run = run(Map.of("ProcessNames", "pklongname-" + unique + "-worker"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(longName.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(longName.exitValue()).isEqualTo(128 + 15);
    assertThat(resultFor(run, longName.pid()))
        .containsEntry("name", comm("pklongname-" + unique))
        .containsEntry("outcome", "killed");
  }

  @Test
  void killsByAPatternMatchedAgainstTheWholeCommandLine() throws Exception {
    Process a = sleeper("pkpat-a" + unique);
    Process b = sleeper("pkpat-b" + unique);
    Process c = sleeper("pkpat-c" + unique);

    // The command lines are "<dir>/pkpat-a<unique> 600": a and b match, c does not.
    LocalRun run =
        run(
            Map.of(
                "ProcessNames",
                "/pkpat-[ab]" + unique + ".600$",
                "ProcessMatch",
                "pattern",
                "Signal",
                "KILL"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(c.isAlive()).isTrue();
    assertThat(processLines(run))
        .extracting(l -> l.get("pid").orElseThrow())
        .containsExactlyInAnyOrder(Long.toString(a.pid()), Long.toString(b.pid()));
  }

  @Test
  void reportsANameThatMatchesNothingAsNotFoundAndKillsTheOthers() throws Exception {
    Process victim = sleeper("pkfound-" + unique);

    LocalRun run = run(Map.of("ProcessNames", "pkabsent-" + unique + ",pkfound-" + unique));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(ResultLine.parseAll(run.output()))
        .anySatisfy(
            l ->
                assertThat(l.fields())
                    .containsEntry("match", "pkabsent-" + unique)
                    .containsEntry("outcome", "not-found"));
    assertThat(resultFor(run, victim.pid())).containsEntry("outcome", "killed");
    assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void neverSignalsAProcessWhoseNameIsProtected() throws Exception {
    Process victim = sleeper("pkvictim-" + unique);
    Process guarded = sleeper("pkguarded-" + unique);

    LocalRun run =
        run(
            Map.of(
                "ProcessNames",
                "pkvictim-" + unique + ",pkguarded-" + unique,
                "ProtectedNames",
                "postgres,pkguarded-" + unique,
                "Signal",
                "KILL"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(resultFor(run, guarded.pid()))
        .containsEntry("outcome", "refused")
        .containsEntry("reason", "protected");
    assertThat(guarded.isAlive()).isTrue();
  }

  @Test
  void neverSignalsAProtectedProcessListedByPid() throws Exception {
    Process guarded = sleeper("pkguardpid-" + unique);

    LocalRun run =
        run(
            Map.of(
                "ProcessIds",
                Long.toString(guarded.pid()),
                "ProtectedNames",
                "pkguardpid-" + unique,
                "Signal",
                "KILL"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(resultFor(run, guarded.pid()))
        .containsEntry("outcome", "refused")
        .containsEntry("reason", "protected");
    assertThat(guarded.isAlive()).isTrue();
  }

  @Test
  void refusesANameOfTheSsmAgentAndSignalsNothing() throws Exception {
    Process agent = sleeper("amazon-ssm-agent");
    Process victim = sleeper("pkbeside-" + unique);

    LocalRun byName = run(Map.of("ProcessNames", "pkbeside-" + unique + ",amazon-ssm-agent"));

    assertThat(byName.exitCode()).as(byName.output()).isEqualTo(1);
    assertThat(resultFor(byName, agent.pid()))
        .containsEntry("name", "amazon-ssm-agen")
        .containsEntry("outcome", "refused")
        .containsEntry("reason", "ssm-agent");
    assertThat(resultFor(byName, victim.pid()))
        .containsEntry("outcome", "refused")
        .containsEntry("reason", "name-refused");
    assertThat(summary(byName).fields())
        .containsEntry("outcome", "failed")
        .containsEntry("reason", "refused-match")
        .containsEntry("match", "amazon-ssm-agent");

    LocalRun byPid = run(Map.of("ProcessIds", Long.toString(agent.pid()), "Signal", "KILL"));

    assertThat(resultFor(byPid, agent.pid()))
        .containsEntry("outcome", "refused")
        .containsEntry("reason", "ssm-agent");
    assertThat(agent.isAlive()).isTrue();
    assertThat(victim.isAlive()).isTrue();
  }

  @Test
  void refusesAPatternThatWouldMatchPidOneAndSignalsNothing() throws Exception {
    String init = "pkinit-" + unique;
    Path inside = dir.resolve("pkinside-" + unique);
    Files.copy(Path.of("/bin/sleep"), inside, StandardCopyOption.COPY_ATTRIBUTES);
    String insideName = inside.getFileName().toString();
    // Inside the namespace: PID 1 is the wrapper, a sleeper beside it (waited for until it runs
    // as itself), then this document; the wrapper reports whether the sleeper outlived it.
    LocalDocumentRunner namespaced =
        inPidNamespace(
            init,
            "'"
                + inside
                + "' 600 & beside=$!\nfor i in $(seq 1 200); do"
                + " [ \"$(cat /proc/$beside/comm 2>/dev/null)\" = '"
                + comm(insideName)
                + "' ] && break; sleep 0.05; done",
            "kill -0 $beside && echo beside-alive");

    LocalRun run =
        run(namespaced, Map.of("ProcessNames", "pk", "ProcessMatch", "pattern", "Signal", "KILL"));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(resultFor(run, 1))
        .containsEntry("name", comm(init))
        .containsEntry("outcome", "refused")
        .containsEntry("reason", "init");
    assertThat(processLines(run))
        .filteredOn(l -> l.get("name").equals(java.util.Optional.of(comm(insideName))))
        .singleElement()
        .satisfies(l -> assertThat(l.fields()).containsEntry("reason", "name-refused"));
    assertThat(processLines(run)).allSatisfy(l -> assertThat(l.outcome()).isEqualTo("refused"));
    // Nothing was signalled: the sleeper beside PID 1 was still there after the document.
    assertThat(run.output()).contains("beside-alive");
    assertThat(HostProcesses.pidsWithCommandLineContaining(inside.toString())).isEmpty();
  }

  @Test
  void refusesANameOfTheScriptItself() throws Exception {
    LocalDocumentRunner namespaced = inPidNamespace("pkself-" + unique, "", "");

    LocalRun run = run(namespaced, Map.of("ProcessNames", "bash"));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(processLines(run))
        .isNotEmpty()
        .allSatisfy(
            l ->
                assertThat(l.fields())
                    .containsEntry("outcome", "refused")
                    .containsEntry("reason", "self"));
  }

  @Test
  void refusesMoreThanFiftyMatchesAndSignalsNothing() throws Exception {
    List<Process> many = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      many.add(sleeper("pkmany-" + unique));
    }

    LocalRun run = run(Map.of("ProcessNames", "pkmany-" + unique));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(processLines(run)).isEmpty();
    assertThat(summary(run).fields())
        .containsEntry("reason", "too-many-matches")
        .containsEntry("limit", "50");
    assertThat(many).allMatch(Process::isAlive);
  }

  @Test
  void refusesAnInvalidPatternBeforeResolvingAnything() throws Exception {
    LocalRun run = run(Map.of("ProcessNames", "pk[" + unique, "ProcessMatch", "pattern"));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(summary(run).fields()).containsEntry("reason", "invalid-pattern");
  }

  @Test
  void refusesHostileNamesAndBothSelectorsBeforeAnyProcessStarts() {
    for (String hostile : List.of("a;reboot", "$(reboot)", "a b", "a|b", "x'", "(a)", "a\nb")) {
      assertThatThrownBy(
              () ->
                  runner.start(
                      DOCUMENT,
                      Map.of("Action", "inject", "FaultId", "pk-bad", "ProcessNames", hostile)))
          .as(hostile)
          .hasMessageContaining("'ProcessNames'");
      assertThatThrownBy(
              () ->
                  runner.start(
                      DOCUMENT,
                      Map.of("Action", "inject", "FaultId", "pk-bad", "ProtectedNames", hostile)))
          .as(hostile)
          .hasMessageContaining("'ProtectedNames'");
    }
    assertThatThrownBy(
            () ->
                runner.start(
                    DOCUMENT,
                    Map.of("Action", "inject", "FaultId", "pk-bad", "ProcessNames", "-x")))
        .hasMessageContaining("'ProcessNames'");
  }

  @Test
  void refusesBothPidsAndNamesOnTheHost() throws Exception {
    Process victim = sleeper("pkboth-" + unique);

    LocalRun run =
        run(Map.of("ProcessIds", Long.toString(victim.pid()), "ProcessNames", "pkboth-" + unique));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(summary(run).fields()).containsEntry("reason", "ids-and-names-both-set");
    assertThat(victim.isAlive()).isTrue();
  }
}
