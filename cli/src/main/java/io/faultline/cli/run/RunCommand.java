package io.faultline.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.cli.CliException;
import io.faultline.cli.Durations;
import io.faultline.cli.ExitCode;
import io.faultline.cli.Faultline;
import io.faultline.cli.OutputOption;
import io.faultline.cli.PlatformOptions;
import io.faultline.cli.Printer;
import io.faultline.cli.api.ApiException;
import io.faultline.cli.api.SchedulerClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code faultline run}: starts a run of an experiment and, with {@code --wait}, gates on it. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a run of an experiment now and prints its id. With --wait, prints its progress (waves,"
          + " each fault's stage) and exits with its verdict: 0 HYPOTHESIS_HELD, 1"
          + " HYPOTHESIS_REFUTED, 2 INCONCLUSIVE (also a run that ended without a verdict)."
    })
public final class RunCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand Faultline root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin PlatformOptions platform;

  @Mixin OutputOption output;

  @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "The experiment's id.")
  String experimentId;

  @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "The tenant.")
  String tenant;

  @Option(names = "--wait", description = "Wait for the run to end and exit with its verdict.")
  boolean wait;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "30m",
      description = "How long --wait waits (default 30m; e.g. 90s, 1h30m). Exit 4 when it passes.")
  Duration timeout;

  @Option(
      names = "--abort-on-timeout",
      description = "When --timeout passes, abort the run (otherwise it goes on).")
  boolean abortOnTimeout;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "2s",
      description = "How often --wait reads the run (default 2s).")
  Duration pollInterval;

  @Option(
      names = "--verdict-grace",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "5s",
      description =
          "How long to keep reading a run that ended without a verdict (then INCONCLUSIVE), or"
              + " ABORTED and INCONCLUSIVE (a late stop-condition breach corrects it to"
              + " REFUTED), before exiting (default 5s).")
  Duration verdictGrace;

  @Override
  public Integer call() {
    Printer printer =
        new Printer(output.format(), spec.commandLine().getOut(), spec.commandLine().getErr());
    SchedulerClient client = platform.client(root.env());
    String tenantPath = "/api/v1/tenants/" + SchedulerClient.segment(tenant);
    JsonNode started =
        client.post(
            "starting a run of experiment " + experimentId,
            tenantPath + "/experiments/" + SchedulerClient.segment(experimentId) + "/runs",
            null);
    String runId = started.path("runId").asText("");
    if (runId.isEmpty()) {
      throw new CliException(ExitCode.SOFTWARE, "the platform started a run but named no runId");
    }
    printer.result(
        "run " + runId + " started (experiment " + experimentId + ", tenant " + tenant + ")",
        node("started")
            .put("runId", runId)
            .put("experimentId", experimentId)
            .put("tenantId", tenant));
    if (!wait) {
      return ExitCode.OK.code();
    }
    return await(printer, client, tenantPath + "/runs/" + SchedulerClient.segment(runId), runId);
  }

  private int await(Printer printer, SchedulerClient client, String runPath, String runId) {
    Instant deadline = Instant.now().plus(timeout);
    RunProgress progress = new RunProgress();
    Instant endedWithoutVerdictAt = null;
    boolean warned = false;
    while (true) {
      JsonNode run = null;
      try {
        run = client.get("reading run " + runId, runPath);
      } catch (ApiException e) {
        // Just after the start the run may not be materialized yet: 404 until it is.
        if (e.problem().status() != 404 && e.exitCode() != ExitCode.UNAVAILABLE) {
          throw e;
        }
      } catch (CliException e) {
        if (e.exitCode() != ExitCode.UNAVAILABLE) {
          throw e;
        }
        if (!warned) {
          printer.note("faultline: " + e.getMessage() + "; retrying until the timeout");
          warned = true;
        }
      }
      if (run != null) {
        progress.changes(run).forEach(c -> printer.result(c.text(), c.json()));
        if (RunOutcome.ended(run)) {
          if (!RunOutcome.unsettled(run)) {
            return finish(printer, run);
          }
          // A verdict may come, or be corrected, just after the run's end: wait a little for it.
          if (endedWithoutVerdictAt == null) {
            endedWithoutVerdictAt = Instant.now();
          }
          if (!Instant.now().isBefore(endedWithoutVerdictAt.plus(verdictGrace))) {
            return finish(printer, run);
          }
        }
      }
      if (!Instant.now().isBefore(deadline)) {
        return timedOut(printer, client, runPath, runId);
      }
      LockSupport.parkNanos(pollInterval.toNanos());
      if (Thread.interrupted()) {
        throw new CliException(ExitCode.UNAVAILABLE, "interrupted while waiting for run " + runId);
      }
    }
  }

  private static int finish(Printer printer, JsonNode run) {
    RunOutcome outcome = RunOutcome.of(run);
    ObjectNode json =
        node("ended")
            .put("runId", run.path("runId").asText())
            .put("status", outcome.status())
            .put("exitCode", outcome.exitCode().code())
            .put("message", outcome.message());
    json.put("verdict", outcome.verdict());
    printer.result(outcome.message(), json);
    return outcome.exitCode().code();
  }

  private int timedOut(Printer printer, SchedulerClient client, String runPath, String runId) {
    String message =
        "timed out after " + Durations.text(timeout) + " waiting for run " + runId + " to end";
    if (abortOnTimeout) {
      client.post(
          "aborting run " + runId,
          runPath + "/abort",
          Map.of("reason", "faultline run --wait timed out after " + Durations.text(timeout)));
      message += "; the run was aborted";
    } else {
      message += "; it goes on (faultline run --abort-on-timeout stops it)";
    }
    printer.result(
        message,
        node("timeout")
            .put("runId", runId)
            .put("aborted", abortOnTimeout)
            .put("exitCode", ExitCode.TIMEOUT.code())
            .put("message", message));
    return ExitCode.TIMEOUT.code();
  }

  private static ObjectNode node(String event) {
    return JSON.createObjectNode().put("event", event);
  }
}
