package io.faultline.scheduler.report;

import io.faultline.events.ids.RunId;
import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.TimelineEntry;
import io.faultline.scheduler.web.Durations;
import io.faultline.scheduler.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A run's report, beside the run itself and under the same rules: a viewer of the run's tenant (the
 * tenant interceptor and the GET rule of the security configuration cover the path).
 */
@Tag(name = "runs")
@RestController
class RunReportController {
  static final String PATH = "/api/v1/tenants/{tenantId}/runs/{runId}/report";

  private final StateQueries queries;
  private final Clock clock;
  private final SchedulerProperties.Bounds bounds;

  RunReportController(StateQueries queries, Clock clock, SchedulerProperties properties) {
    this.queries = queries;
    this.clock = clock;
    this.bounds = properties.bounds();
  }

  @Operation(
      summary = "A run's report as JSON",
      description =
          "Hypothesis, verdict and its reason, waves, faults with their targets and outcomes,"
              + " the lifecycle timeline, trace ids and the probe readings. Ask with"
              + " `Accept: text/html` for the same report as a self-contained HTML page.")
  @GetMapping(value = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  RunReport json(@PathVariable String tenantId, @PathVariable String runId) {
    return report(tenantId, runId);
  }

  @Operation(
      summary = "A run's report as a self-contained HTML page",
      description =
          "Chosen by `Accept: text/html` (what a browser sends). The probe readings are plotted"
              + " over the lifecycle timeline in an inline SVG drawn by the server; the page runs"
              + " no script and loads nothing (its Content-Security-Policy allows inline styles"
              + " only).")
  @GetMapping(value = PATH, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<byte[]> html(@PathVariable String tenantId, @PathVariable String runId) {
    byte[] page = HtmlReport.render(report(tenantId, runId)).getBytes(StandardCharsets.UTF_8);
    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .header("Content-Security-Policy", HtmlReport.CONTENT_SECURITY_POLICY)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .body(page);
  }

  private RunReport report(String tenantId, String runId) {
    Run run = find(tenantId, runId);
    List<TimelineEntry> timeline =
        queries.list(StoreNames.TIMELINES, tenantId, runId + "/", TimelineEntry.class);
    // The hypothesis the run tested, kept when it started; a run stored before runs kept it falls
    // back to its experiment's current one, if the experiment still exists.
    String hypothesis =
        run.hypothesis() != null
            ? run.hypothesis()
            : queries
                .get(StoreNames.EXPERIMENTS, tenantId, run.experimentId(), Experiment.class)
                .map(Experiment::hypothesis)
                .orElse(null);
    return ReportAssembler.assemble(run, timeline, hypothesis, clock.instant());
  }

  private Run find(String tenantId, String runId) {
    if (!runId.matches(RunId.PATTERN)) {
      throw new NotFoundException("no run " + runId);
    }
    return queries
        .get(StoreNames.RUNS, tenantId, runId, Run.class)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "no run "
                        + runId
                        + " (ended runs are kept for "
                        + Durations.text(bounds.runRetention())
                        + ", at most the newest "
                        + bounds.retainedRunsPerTenant()
                        + " of a tenant)"));
  }
}
