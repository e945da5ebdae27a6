package io.faultline.executor.probe.http;

import io.faultline.events.probe.HttpProbeMethod;
import io.faultline.events.probe.HttpSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.ProbeType;
import io.faultline.executor.probe.Probe;
import io.faultline.executor.probe.ProbeContext;
import io.faultline.executor.probe.egress.EgressClient;
import io.faultline.executor.probe.egress.EgressClient.Method;
import io.faultline.executor.probe.egress.EgressFailed;
import io.faultline.executor.probe.egress.EgressRefused;
import io.faultline.executor.probe.egress.EgressResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads an {@code http} probe: one request, judged on status, latency and body. */
public final class HttpProbe implements Probe {
  private final EgressClient egress;

  public HttpProbe(EgressClient egress) {
    this.egress = egress;
  }

  @Override
  public ProbeType type() {
    return ProbeType.HTTP;
  }

  @Override
  public ProbeReading read(ProbeDefinition definition, ProbeContext context) {
    return read(definition.settingsAs(HttpSettings.class));
  }

  /** One reading; a refused or failed request is a failing reading saying why. */
  ProbeReading read(HttpSettings settings) {
    EgressResponse response;
    try {
      response =
          egress.fetch(
              settings.url(),
              settings.method() == HttpProbeMethod.HEAD ? Method.HEAD : Method.GET,
              Duration.ofMillis(settings.timeoutMs()));
    } catch (EgressRefused | EgressFailed e) {
      return ProbeReading.unreadable(e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    if (response.status() != settings.expectStatus()) {
      problems.add("status " + response.status() + ", expected " + settings.expectStatus());
    }
    Integer maxLatencyMs = settings.maxLatencyMs();
    if (maxLatencyMs != null && response.latencyMs() > maxLatencyMs) {
      problems.add("latency " + response.latencyMs() + " ms above " + maxLatencyMs + " ms");
    }
    Pattern body = settings.bodyPattern();
    if (body != null) {
      bodyProblem(body, response).ifPresent(problems::add);
    }
    return new ProbeReading(
        problems.isEmpty(),
        null,
        null,
        response.status(),
        response.latencyMs(),
        problems.isEmpty() ? null : String.join("; ", problems));
  }

  private static Optional<String> bodyProblem(Pattern pattern, EgressResponse response) {
    try {
      if (BodyMatch.find(pattern, response.text())) {
        return Optional.empty();
      }
      return Optional.of(
          "body" + (response.truncated() ? " (first 64 KiB)" : "") + " does not match bodyMatches");
    } catch (BodyMatch.TooSlow e) {
      return Optional.of(e.getMessage());
    } catch (StackOverflowError e) {
      // java.util.regex recurses per repetition; a long body can exhaust the stack.
      return Optional.of("bodyMatches recursed too deeply on the body; not judged");
    }
  }
}
