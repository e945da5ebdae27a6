package io.faultline.scheduler.report;

import static io.faultline.scheduler.report.HtmlText.escape;

import io.faultline.scheduler.state.RunReading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Draws the run on one time axis as inline SVG, on the server (the page runs no script): a lane per
 * wave with its span and its faults' lifecycle events, then a lane per probe with one point per
 * reading (green ok, red failing), its numeric series scaled within the lane.
 */
final class ReadingsPlot {
  private static final int WIDTH = 1000;
  private static final int LEFT = 190;
  private static final int RIGHT = 24;
  private static final int TOP = 34;
  private static final int LANE = 56;
  private static final int TICKS = 6;

  private final RunReport report;
  private final Instant from;
  private final Instant to;

  private ReadingsPlot(RunReport report) {
    this.report = report;
    List<Instant> instants =
        Stream.of(
                Stream.of(report.startedAt(), report.endedAt()),
                report.waves().stream().flatMap(w -> Stream.of(w.startedAt(), w.endedAt())),
                report.timeline().stream().map(ReportEvent::at),
                report.readings().stream().map(RunReading::at))
            .flatMap(Function.identity())
            .filter(Objects::nonNull)
            .sorted()
            .toList();
    Instant first = instants.isEmpty() ? report.generatedAt() : instants.getFirst();
    Instant last = instants.isEmpty() ? first : instants.getLast();
    if (report.endedAt() == null && report.generatedAt().isAfter(last)) {
      last = report.generatedAt(); // a running run's open spans reach "now"
    }
    this.from = first;
    this.to = last.isAfter(first) ? last : first.plusSeconds(1);
  }

  /** The SVG element of the report's plot. */
  static String svg(RunReport report) {
    return new ReadingsPlot(report).draw();
  }

  private String draw() {
    Map<String, List<RunReading>> byProbe = new LinkedHashMap<>();
    report.probes().forEach(p -> byProbe.put(p.probe(), new ArrayList<>()));
    report
        .readings()
        .forEach(
            r ->
                byProbe
                    .computeIfAbsent(ReportAssembler.probeName(r), k -> new ArrayList<>())
                    .add(r));
    List<ReportWave> waves = report.waves().stream().filter(w -> w.startedAt() != null).toList();
    int lanes = Math.max(1, waves.size() + byProbe.size());
    int height = TOP + lanes * LANE + 30;
    StringBuilder svg = new StringBuilder(8192);
    svg.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"readings-plot\" role=\"img\""
                + " aria-labelledby=\"plot-title\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">")
        .append("<title id=\"plot-title\">Probe readings of run ")
        .append(escape(report.runId()))
        .append(" over its lifecycle timeline</title>");
    axis(svg, height);
    int lane = 0;
    for (ReportWave wave : waves) {
      waveLane(svg, wave, TOP + lane++ * LANE);
    }
    for (Map.Entry<String, List<RunReading>> probe : byProbe.entrySet()) {
      probeLane(svg, probe.getKey(), probe.getValue(), TOP + lane++ * LANE);
    }
    if (waves.isEmpty() && byProbe.isEmpty()) {
      svg.append("<text class=\"empty\" x=\"")
          .append(LEFT + 8)
          .append("\" y=\"")
          .append(TOP + LANE / 2)
          .append("\">Nothing to plot yet: no wave has started and no probe was read</text>");
    }
    return svg.append("</svg>").toString();
  }

  private void axis(StringBuilder svg, int height) {
    int bottom = height - 30;
    svg.append("<g class=\"axis\">");
    for (int i = 0; i <= TICKS; i++) {
      Instant at = from.plus(span().multipliedBy(i).dividedBy(TICKS));
      double x = x(at);
      svg.append(line(x, TOP - 6, x, bottom, "grid"));
      // A short run's ticks are under a second apart: show tenths then.
      String label = HtmlText.clock(at, span().toSeconds() < 30);
      // The last label ends at its tick so it stays inside the plot.
      svg.append(text(x, bottom + 16, i == TICKS ? "end" : "middle", "tick", label));
    }
    svg.append(text(LEFT, 14, "start", "axis-label", "UTC, " + HtmlText.when(from) + " →"));
    svg.append("</g>");
  }

  private void waveLane(StringBuilder svg, ReportWave wave, int top) {
    double mid = top + LANE / 2.0;
    String label = "wave " + wave.index() + ": " + HtmlText.shorten(wave.name(), 20);
    svg.append("<g class=\"lane wave-lane\" data-wave=\"").append(wave.index()).append("\">");
    svg.append(text(8, mid + 4, "start", "lane-label", label));
    Instant end = wave.endedAt() != null ? wave.endedAt() : to;
    double x0 = x(wave.startedAt());
    double width = Math.max(2, x(end) - x0);
    svg.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"wave-span status-%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                    + " height=\"%d\" rx=\"3\">",
                token(wave.status()),
                x0,
                mid - 9,
                width,
                18))
        .append("<title>")
        .append(escape(label + " " + wave.status() + " " + HtmlText.when(wave.startedAt())))
        .append(" → ")
        .append(escape(HtmlText.when(wave.endedAt())))
        .append("</title></rect>");
    svg.append(line(x0, TOP - 6, x0, top, "wave-start"));
    for (ReportEvent e : report.timeline()) {
      if (e.wave() == wave.index() && e.at() != null) {
        double x = x(e.at());
        svg.append(
                String.format(
                    Locale.ROOT,
                    "<line class=\"event stage-%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">",
                    token(e.stage()),
                    x,
                    mid - 14,
                    x,
                    mid + 14))
            .append("<title>")
            .append(escape(e.faultId() + " " + e.stage() + " " + HtmlText.when(e.at())))
            .append("</title></line>");
      }
    }
    svg.append("</g>");
  }

  private void probeLane(StringBuilder svg, String probe, List<RunReading> readings, int top) {
    Function<RunReading, Number> metric = metric(readings);
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (RunReading r : readings) {
      Number n = metric.apply(r);
      if (n != null) {
        min = Math.min(min, n.doubleValue());
        max = Math.max(max, n.doubleValue());
      }
    }
    svg.append("<g class=\"lane probe-lane\" data-probe=\"").append(escape(probe)).append("\">");
    svg.append(line(LEFT, top + LANE - 4, WIDTH - RIGHT, top + LANE - 4, "lane-base"));
    svg.append(text(8, top + LANE / 2.0, "start", "lane-label", HtmlText.shorten(probe, 24)));
    if (min <= max) {
      svg.append(
          text(
              8,
              top + LANE / 2.0 + 14,
              "start",
              "lane-range",
              number(min) + " … " + number(max) + unit(readings)));
    }
    StringBuilder series = new StringBuilder();
    StringBuilder points = new StringBuilder();
    for (RunReading r : readings) {
      double x = x(r.at());
      Number n = metric.apply(r);
      double y = y(n, min, max, top);
      if (n != null) {
        series.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      points
          .append(
              String.format(
                  Locale.ROOT,
                  "<circle class=\"reading %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\">",
                  r.ok() ? "ok" : "failing",
                  x,
                  y,
                  r.ok() ? 4 : 5))
          .append("<title>")
          .append(escape(describe(probe, r)))
          .append("</title></circle>");
    }
    if (!series.isEmpty()) {
      svg.append("<polyline class=\"series\" points=\"")
          .append(series.toString().trim())
          .append("\"/>");
    }
    svg.append(points).append("</g>");
  }

  /** The number a probe's readings plot: their value, else their latency, else none. */
  private static Function<RunReading, Number> metric(List<RunReading> readings) {
    if (readings.stream().anyMatch(r -> r.value() != null)) {
      return RunReading::value;
    }
    if (readings.stream().anyMatch(r -> r.latencyMs() != null)) {
      return RunReading::latencyMs;
    }
    return r -> null;
  }

  private static String unit(List<RunReading> readings) {
    return readings.stream().anyMatch(r -> r.value() != null) ? "" : " ms";
  }

  private static String describe(String probe, RunReading r) {
    StringBuilder text = new StringBuilder(probe);
    text.append(" · ")
        .append(HtmlText.when(r.at()))
        .append(" · ")
        .append(r.ok() ? "ok" : "failing");
    if (r.value() != null) {
      text.append(" · value ").append(number(r.value()));
    }
    if (r.state() != null) {
      text.append(" · state ").append(r.state());
    }
    if (r.status() != null) {
      text.append(" · status ").append(r.status());
    }
    if (r.latencyMs() != null) {
      text.append(" · ").append(r.latencyMs()).append(" ms");
    }
    if (r.error() != null) {
      text.append(" · ").append(r.error());
    }
    return text.toString();
  }

  private double x(Instant at) {
    double share = (double) Duration.between(from, at).toMillis() / span().toMillis();
    return LEFT + Math.max(0, Math.min(1, share)) * (WIDTH - LEFT - RIGHT);
  }

  /** Within the lane: high values up; without a number (or a flat series), the lane's middle. */
  private static double y(Number n, double min, double max, int top) {
    if (n == null || max <= min) {
      return top + LANE / 2.0;
    }
    double share = (n.doubleValue() - min) / (max - min);
    return top + LANE - 10 - share * (LANE - 20);
  }

  private Duration span() {
    return Duration.between(from, to);
  }

  private static String line(double x1, double y1, double x2, double y2, String cssClass) {
    return String.format(
        Locale.ROOT,
        "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
        cssClass,
        x1,
        y1,
        x2,
        y2);
  }

  private static String text(double x, double y, String anchor, String cssClass, String content) {
    return String.format(
        Locale.ROOT,
        "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>",
        cssClass,
        x,
        y,
        anchor,
        escape(content));
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.3g", value);
  }

  /** A value as a CSS class suffix: letters, digits, '-' and '_' only. */
  static String token(Object value) {
    return value == null ? "none" : value.toString().replaceAll("[^A-Za-z0-9_-]", "");
  }
}
