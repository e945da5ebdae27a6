package io.faultline.scheduler.report;

import static io.faultline.scheduler.report.HtmlText.escape;
import static io.faultline.scheduler.report.HtmlText.when;

import io.faultline.events.lifecycle.TargetSummary;
import io.faultline.events.probe.Verdict;
import io.faultline.scheduler.state.RunReading;
import io.faultline.scheduler.state.RunStatus;
import java.util.List;

/**
 * The report as one self-contained HTML page: inline CSS and a server-drawn SVG, no script, nothing
 * fetched. Every text that reaches it is escaped ({@link HtmlText#escape}); tenants supply most of
 * it (names, the hypothesis, probe names, readings' states and errors, failure details).
 */
final class HtmlReport {
  /**
   * The page's Content-Security-Policy: inline styles only, so nothing is fetched and no script
   * runs, even if an escape were missed.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'none'";

  /** The same policy in the page itself, so a saved copy keeps it (a meta tag cannot frame). */
  private static final String META_POLICY =
      CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", "");

  private static final String STYLE =
      """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;\
      margin:0 auto;max-width:1080px;padding:24px;background:#fff}
      h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid\
       #d0d7de;padding-bottom:4px}
      .meta{color:#59636e;margin:0}.meta span{display:inline-block;margin-right:16px}
      code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
      .verdict{border-radius:8px;padding:14px 18px;margin-top:18px;border:1px solid}
      .verdict h2{border:0;margin:0;padding:0;font-size:13px;text-transform:uppercase;\
      letter-spacing:.05em}
      .verdict-value{font-size:22px;font-weight:600;margin:4px 0}.verdict-reason{margin:0}
      .v-HYPOTHESIS_HELD{background:#dafbe1;border-color:#1a7f37;color:#116329}
      .v-HYPOTHESIS_REFUTED{background:#ffebe9;border-color:#cf222e;color:#a40e26}
      .v-INCONCLUSIVE,.v-none{background:#fff8c5;border-color:#9a6700;color:#7d4e00}
      blockquote{margin:0;padding:8px 14px;border-left:4px solid #8c959f;background:#f6f8fa}
      table{border-collapse:collapse;width:100%;font-size:13px}
      th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #d8dee4;vertical-align:top}
      th{background:#f6f8fa;font-weight:600}td.nw{white-space:nowrap}
      td .mono,td code{word-break:break-all}
      .o-COMPLETED{color:#1a7f37}.o-FAILED,.o-REJECTED{color:#cf222e}.o-ABORTED{color:#8250df}
      svg{border:1px solid #d0d7de;border-radius:6px;background:#fff}
      svg text{font:11px system-ui,sans-serif;fill:#1f2328}svg .tick,svg .lane-range,\
      svg .axis-label{fill:#59636e}
      svg .grid{stroke:#eaeef2}svg .lane-base{stroke:#d0d7de}svg .wave-start{stroke:#8c959f;\
      stroke-dasharray:3 3}
      svg .wave-span{fill:#ddf4ff;stroke:#54aeff}svg .wave-span.status-FAILED{fill:#ffebe9;\
      stroke:#cf222e}svg .wave-span.status-CANCELLED{fill:#f6f8fa;stroke:#8c959f}
      svg .event{stroke:#8c959f;stroke-width:2}svg .stage-INJECTED{stroke:#bc4c00}\
      svg .stage-ROLLING_BACK{stroke:#0969da}svg .stage-COMPLETED{stroke:#1a7f37}\
      svg .stage-FAILED,svg .stage-REJECTED{stroke:#cf222e}svg .stage-ABORTED{stroke:#8250df}
      svg .series{fill:none;stroke:#8c959f;stroke-width:1.2}
      svg .reading.ok{fill:#1a7f37}svg .reading.failing{fill:#cf222e;stroke:#fff;stroke-width:1.5}
      .legend span{margin-right:14px}.dot{display:inline-block;width:10px;height:10px;\
      border-radius:50%;margin-right:4px;vertical-align:-1px}
      .none{color:#59636e}footer{margin-top:32px;color:#59636e;font-size:12px}
      """;

  private HtmlReport() {}

  static String render(RunReport r) {
    StringBuilder html = new StringBuilder(16384);
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(META_POLICY)
        .append("\">")
        .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .append("<title>Run ")
        .append(escape(r.runId()))
        .append(" · ")
        .append(escape(r.experimentName()))
        .append(" · Faultline</title><style>")
        .append(STYLE)
        .append("</style></head><body>");
    header(html, r);
    verdict(html, r);
    html.append("<section id=\"hypothesis\"><h2>Hypothesis</h2>");
    html.append(
        r.hypothesis() == null || r.hypothesis().isBlank()
            ? "<p class=\"none\">None recorded (the experiment has none, or was deleted).</p>"
            : "<blockquote>" + escape(r.hypothesis()) + "</blockquote>");
    html.append("</section>");
    plot(html, r);
    faults(html, r);
    waves(html, r);
    timeline(html, r);
    traces(html, r);
    readings(html, r);
    html.append("<footer>Generated ")
        .append(escape(when(r.generatedAt())))
        .append(" by the Faultline scheduler. This page is self-contained: it runs no script and")
        .append(" loads nothing.</footer></body></html>");
    return html.toString();
  }

  private static void header(StringBuilder html, RunReport r) {
    html.append("<header><h1>Run report: ").append(escape(r.experimentName())).append("</h1>");
    html.append("<p class=\"meta\">");
    meta(html, "tenant", r.tenantId());
    meta(html, "run", r.runId());
    meta(html, "experiment", r.experimentId());
    meta(html, "fault type", r.faultType());
    meta(html, "status", r.status());
    meta(html, "started", when(r.startedAt()));
    meta(html, "ended", r.endedAt() == null ? "not yet" : when(r.endedAt()));
    meta(html, "requested by", r.requestedBy());
    if (r.scheduleId() != null) {
      meta(html, "schedule", r.scheduleId());
    }
    html.append("</p>");
    if (r.stopReason() != null) {
      html.append("<p class=\"meta\" id=\"stop-reason\">Stopped: ")
          .append(escape(r.stopReason()))
          .append("</p>");
    }
    html.append("</header>");
  }

  private static void meta(StringBuilder html, String label, Object value) {
    html.append("<span>")
        .append(label)
        .append(": <strong class=\"mono\">")
        .append(escape(value))
        .append("</strong></span>");
  }

  private static void verdict(StringBuilder html, RunReport r) {
    Verdict verdict = r.verdict();
    String text =
        verdict == null
            ? r.status() == RunStatus.RUNNING ? "No verdict yet: the run is running" : "No verdict"
            : switch (verdict) {
              case HYPOTHESIS_HELD -> "Hypothesis held";
              case HYPOTHESIS_REFUTED -> "Hypothesis refuted";
              case INCONCLUSIVE -> "Inconclusive";
            };
    String reason =
        r.verdictReason() != null
            ? r.verdictReason()
            : r.verdict() == null && r.status() != RunStatus.RUNNING
                ? "The run recorded no verdict."
                : null;
    html.append("<section id=\"verdict\" class=\"verdict v-")
        .append(r.verdict() == null ? "none" : ReadingsPlot.token(r.verdict()))
        .append("\"><h2>Verdict</h2><p class=\"verdict-value\">")
        .append(escape(text));
    if (r.verdict() != null) {
      html.append(" <code>").append(escape(r.verdict())).append("</code>");
    }
    html.append("</p>");
    if (reason != null) {
      html.append("<p class=\"verdict-reason\">").append(escape(reason)).append("</p>");
    }
    html.append("</section>");
  }

  private static void plot(StringBuilder html, RunReport r) {
    html.append("<section id=\"plot\"><h2>Probe readings over the timeline</h2>");
    html.append(ReadingsPlot.svg(r));
    html.append("<p class=\"legend\">")
        .append(dot("#1a7f37", "reading ok"))
        .append(dot("#cf222e", "reading failing"))
        .append(dot("#54aeff", "wave running"))
        .append(dot("#bc4c00", "injected"))
        .append(dot("#0969da", "rolling back"))
        .append(dot("#1a7f37", "completed"))
        .append(dot("#8250df", "aborted"))
        .append("</p>");
    if (r.readings().isEmpty()) {
      html.append("<p class=\"none\" id=\"no-readings\">No probe readings: the run had no probes,")
          .append(" or none was read yet.</p>");
    } else {
      html.append("<table id=\"probes-table\"><thead><tr><th>probe</th><th>readings</th>")
          .append("<th>failing</th><th>first</th><th>last</th><th>last ok</th><th>min</th>")
          .append("<th>max</th></tr></thead><tbody>");
      for (ProbeSummary p : r.probes()) {
        row(
            html,
            "probe",
            p.probe(),
            p.readings(),
            p.failing(),
            when(p.firstAt()),
            when(p.lastAt()),
            p.lastOk() ? "yes" : "no",
            p.minValue(),
            p.maxValue());
      }
      html.append("</tbody></table>");
    }
    html.append("</section>");
  }

  private static String dot(String color, String label) {
    return "<span><i class=\"dot\" style=\"background:" + color + "\"></i>" + label + "</span>";
  }

  private static void faults(StringBuilder html, RunReport r) {
    html.append("<section id=\"faults\"><h2>Faults</h2>");
    if (r.faults().isEmpty()) {
      html.append("<p class=\"none\">No fault was planned.</p></section>");
      return;
    }
    html.append("<table id=\"faults-table\"><thead><tr><th>fault</th><th>wave</th>")
        .append("<th>account</th><th>region</th><th>targets</th><th>outcome</th>")
        .append("<th>reason</th><th>injected</th><th>ended</th></tr></thead><tbody>");
    for (ReportFault f : r.faults()) {
      html.append("<tr class=\"fault\" data-fault-id=\"").append(escape(f.faultId())).append("\">");
      cell(html, "<code>" + escape(f.faultId()) + "</code>");
      cell(html, escape(f.wave() + (f.waveName() == null ? "" : " · " + f.waveName())));
      cell(html, escape(f.accountId()));
      cell(html, escape(f.region()));
      cell(html, targets(f.targets(), f.targetSummary()));
      cell(
          html,
          "<strong class=\"o-"
              + ReadingsPlot.token(f.outcome())
              + "\">"
              + escape(f.outcome())
              + "</strong>");
      cell(
          html,
          escape(f.reason())
              + (f.detail() == null ? "" : "<br><span class=\"none\">" + escape(f.detail()))
              + (f.detail() == null ? "" : "</span>"));
      cell(html, "nw", escape(when(f.injectedAt())));
      cell(html, "nw", escape(when(f.endedAt())));
      html.append("</tr>");
    }
    html.append("</tbody></table></section>");
  }

  private static String targets(List<String> targets, TargetSummary summary) {
    if (targets.isEmpty() && summary == null) {
      return "<span class=\"none\">none listed</span>";
    }
    StringBuilder out = new StringBuilder("<span class=\"mono\">");
    out.append(escape(String.join(", ", targets.stream().limit(5).toList())));
    out.append("</span>");
    int total = summary == null ? targets.size() : summary.total();
    if (total > Math.min(5, targets.size())) {
      out.append(" <span class=\"none\">(")
          .append(total)
          .append(" in all")
          .append(summary == null ? "" : ": " + escape(summary.byStatus()))
          .append(")</span>");
    }
    return out.toString();
  }

  private static void waves(StringBuilder html, RunReport r) {
    html.append("<section id=\"waves\"><h2>Waves</h2><table id=\"waves-table\"><thead><tr>")
        .append("<th>#</th><th>name</th><th>dry run</th><th>status</th><th>started</th>")
        .append("<th>ended</th></tr></thead><tbody>");
    for (ReportWave w : r.waves()) {
      row(
          html,
          "wave",
          w.index(),
          w.name(),
          w.dryRun() ? "yes" : "no",
          w.status(),
          when(w.startedAt()),
          when(w.endedAt()));
    }
    html.append("</tbody></table></section>");
  }

  private static void timeline(StringBuilder html, RunReport r) {
    html.append("<section id=\"timeline\"><h2>Lifecycle timeline</h2>");
    if (r.timeline().isEmpty()) {
      html.append("<p class=\"none\">No lifecycle event yet.</p></section>");
      return;
    }
    html.append("<table id=\"timeline-table\"><thead><tr><th>at</th><th>fault</th>")
        .append("<th>wave</th><th>stage</th><th>by</th><th>reason</th><th>detail</th>")
        .append("<th>trace</th></tr></thead><tbody>");
    for (ReportEvent e : r.timeline()) {
      html.append("<tr class=\"event\">");
      cell(html, "nw", escape(when(e.at())));
      cell(html, "", "<code>" + escape(e.faultId()) + "</code>");
      cell(html, "", escape(e.wave() < 0 ? "" : e.wave()));
      cell(html, "nw", escape(e.stage()));
      cell(html, "nw", escape(e.producer()));
      cell(html, "", escape(e.reason()));
      cell(html, "", escape(e.detail()));
      cell(html, "", "<code>" + escape(e.traceId()) + "</code>");
      html.append("</tr>");
    }
    html.append("</tbody></table></section>");
  }

  private static void traces(StringBuilder html, RunReport r) {
    html.append("<section id=\"traces\"><h2>Traces</h2>");
    if (r.traces().isEmpty()) {
      html.append("<p class=\"none\">No trace id recorded.</p></section>");
      return;
    }
    html.append("<ul id=\"trace-list\">");
    for (ReportTrace t : r.traces()) {
      html.append("<li class=\"trace\"><code>").append(escape(t.traceId())).append("</code> ");
      String what =
          (t.runRequest() ? "the request that started the run" : "")
              + (t.runRequest() && !t.faultIds().isEmpty() ? "; " : "")
              + (t.faultIds().isEmpty() ? "" : "faults " + String.join(", ", t.faultIds()));
      html.append("<span class=\"none\">").append(escape(what)).append("</span></li>");
    }
    html.append("</ul></section>");
  }

  private static void readings(StringBuilder html, RunReport r) {
    if (r.readings().isEmpty()) {
      return;
    }
    html.append("<section id=\"readings\"><h2>Readings</h2><details><summary>")
        .append(r.readings().size())
        .append(" readings</summary><table id=\"readings-table\"><thead><tr><th>at</th>")
        .append("<th>probe</th><th>ok</th><th>value</th><th>state</th><th>status</th>")
        .append("<th>latency ms</th><th>error</th><th>phase</th><th>wave</th></tr></thead><tbody>");
    for (RunReading x : r.readings()) {
      row(
          html,
          "reading-row",
          when(x.at()),
          x.probe(),
          x.ok() ? "yes" : "no",
          x.value(),
          x.state(),
          x.status(),
          x.latencyMs(),
          x.error(),
          x.phase(),
          x.wave());
    }
    html.append("</tbody></table></details></section>");
  }

  /** A table row of escaped values. */
  private static void row(StringBuilder html, String cssClass, Object... values) {
    html.append("<tr class=\"").append(cssClass).append("\">");
    for (Object value : values) {
      cell(html, escape(value));
    }
    html.append("</tr>");
  }

  private static void cell(StringBuilder html, String escapedContent) {
    html.append("<td>").append(escapedContent).append("</td>");
  }

  private static void cell(StringBuilder html, String cssClass, String escapedContent) {
    html.append(cssClass.isEmpty() ? "<td>" : "<td class=\"" + cssClass + "\">")
        .append(escapedContent)
        .append("</td>");
  }
}
