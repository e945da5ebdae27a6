package io.faultline.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.cli.CliException;
import io.faultline.cli.ExitCode;
import io.faultline.cli.Faultline;
import io.faultline.cli.OutputOption;
import io.faultline.cli.PlatformOptions;
import io.faultline.cli.Printer;
import io.faultline.cli.api.ApiException;
import io.faultline.cli.api.SchedulerClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code faultline events}: follows the tenant's live event stream. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Follows the tenant's live events (the scheduler's Server-Sent Events: lifecycle events, and"
          + " run events once the platform publishes them), one line per event, or the event's"
          + " JSON per line with --output json. The stream is live: it starts now, not in the past."
    })
public final class EventsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RECONNECT_FIRST = Duration.ofSeconds(1);
  private static final Duration RECONNECT_MAX = Duration.ofSeconds(30);

  @ParentCommand Faultline root;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin PlatformOptions platform;

  @Mixin OutputOption output;

  @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "The tenant.")
  String tenant;

  @Option(names = "--run", paramLabel = "RUN", description = "Only the events of this run.")
  String run;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep following (reconnecting when the stream drops) until interrupted.")
  boolean follow;

  @Option(names = "--limit", paramLabel = "N", description = "Stop after N events were printed.")
  Integer limit;

  private int printed;

  @Override
  public Integer call() {
    if (!follow && limit == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the event stream is live only: pass --follow (until interrupted) or --limit N");
    }
    if (limit != null && limit < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be at least 1 (rule: minimum)");
    }
    Printer printer =
        new Printer(output.format(), spec.commandLine().getOut(), spec.commandLine().getErr());
    SchedulerClient client = platform.client(root.env());
    String path = "/api/v1/tenants/" + SchedulerClient.segment(tenant) + "/events";
    Duration backoff = RECONNECT_FIRST;
    while (true) {
      boolean received;
      try {
        received = stream(printer, client, path);
      } catch (ApiException e) {
        // 429 (too many streams) and 5xx are worth another try when following; the rest is not.
        if (!follow || e.exitCode() != ExitCode.UNAVAILABLE) {
          throw e;
        }
        printer.note("faultline: " + e.getMessage());
        received = false;
      } catch (CliException e) {
        if (!follow || e.exitCode() != ExitCode.UNAVAILABLE) {
          throw e;
        }
        printer.note("faultline: " + e.getMessage());
        received = false;
      }
      if (limit != null && printed >= limit) {
        return ExitCode.OK.code();
      }
      if (!follow) {
        throw new CliException(
            ExitCode.UNAVAILABLE, "the event stream ended after " + printed + " events");
      }
      backoff = received ? RECONNECT_FIRST : min(backoff.multipliedBy(2), RECONNECT_MAX);
      printer.note(
          "faultline: reconnecting in "
              + backoff.toSeconds()
              + "s; events published meanwhile are not replayed (the stream is live only)");
      LockSupport.parkNanos(backoff.toNanos());
      if (Thread.interrupted()) {
        return ExitCode.OK.code();
      }
    }
  }

  /** Reads one connection to its end; whether it delivered anything. */
  private boolean stream(Printer printer, SchedulerClient client, String path) {
    boolean received = false;
    try (Stream<String> lines = client.stream("following the events of tenant " + tenant, path)) {
      printer.note(
          "following events of tenant "
              + tenant
              + (run == null ? "" : ", run " + run)
              + " at "
              + client.base()
              + " (live; Ctrl-C stops)");
      ServerSentEvents parser = new ServerSentEvents();
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        Optional<ServerSentEvents.Event> event = parser.line(it.next());
        if (event.isEmpty()) {
          continue;
        }
        received = true;
        if (event.get().name().equals("dropped")) {
          printer.note(
              "faultline: the platform dropped this stream (it fell a whole queue behind); events"
                  + " until the reconnection are missed");
          return true;
        }
        if (print(printer, event.get()) && limit != null && printed >= limit) {
          return true;
        }
      }
      printer.note("faultline: the event stream ended");
    } catch (UncheckedIOException e) {
      printer.note("faultline: the event stream broke (" + e.getCause().getMessage() + ")");
    }
    return received;
  }

  private boolean print(Printer printer, ServerSentEvents.Event event) {
    JsonNode data;
    try {
      data = JSON.readTree(event.data());
    } catch (IOException e) {
      printer.note("faultline: skipped an event whose data is not JSON (id " + event.id() + ")");
      return false;
    }
    if (run != null && !run.equals(data.path("runId").asText())) {
      return false;
    }
    printer.result(EventLine.text(event.name(), data), data);
    printed++;
    return true;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
