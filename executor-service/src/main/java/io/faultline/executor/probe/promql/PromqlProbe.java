package io.faultline.executor.probe.promql;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.ProbeType;
import io.faultline.events.probe.PromQlSettings;
import io.faultline.executor.probe.Probe;
import io.faultline.executor.probe.ProbeContext;
import io.faultline.executor.probe.egress.EgressClient;
import io.faultline.executor.probe.egress.EgressClient.Method;
import io.faultline.executor.probe.egress.EgressFailed;
import io.faultline.executor.probe.egress.EgressRefused;
import io.faultline.executor.probe.egress.EgressResponse;
import io.faultline.executor.probe.promql.PromqlAnswer.Sample;
import java.net.URI;
import java.net.URLEncoder;

/** Reads a {@code promql} probe: one instant query, its value against the threshold. */
public final class PromqlProbe implements Probe {
  private final EgressClient egress;

  public PromqlProbe(EgressClient egress) {
    this.egress = egress;
  }

  @Override
  public ProbeType type() {
    return ProbeType.PROMQL;
  }

  @Override
  public ProbeReading read(ProbeDefinition definition, ProbeContext context) {
    return read(definition.settingsAs(PromQlSettings.class));
  }

  /** One reading; a refused or failed query, or an answer without a sample, is failing. */
  ProbeReading read(PromQlSettings settings) {
    EgressResponse response;
    try {
      response = egress.fetch(queryUri(settings), Method.GET, EgressClient.MAX_TIMEOUT);
    } catch (EgressRefused | EgressFailed e) {
      return ProbeReading.unreadable(e.getMessage());
    }
    Sample sample = PromqlAnswer.read(response.status(), response.text(), response.truncated());
    return switch (sample) {
      case Sample.Problem problem ->
          new ProbeReading(
              false, null, null, response.status(), response.latencyMs(), problem.error());
      case Sample.Value(double value) -> {
        boolean ok = settings.comparison().holds(value, settings.threshold());
        yield new ProbeReading(
            ok,
            value,
            null,
            response.status(),
            response.latencyMs(),
            ok ? null : "healthy when value " + settings.comparison() + " " + settings.threshold());
      }
    };
  }

  /** {@code <endpoint>/api/v1/query?query=…}, keeping a path prefix of the endpoint. */
  static URI queryUri(PromQlSettings settings) {
    String base = settings.endpoint().toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(settings.query(), UTF_8));
  }
}
