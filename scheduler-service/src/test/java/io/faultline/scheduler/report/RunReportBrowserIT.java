package io.faultline.scheduler.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;

/**
 * The HTML report in a real headless Chromium: the page of a run played through the shared
 * scheduler on the real broker, fetched by the browser itself with a viewer's token, and a page
 * with probe readings; each checked as rendered, free of console errors and of any request beyond
 * itself, and screenshotted under {@code target/report-screenshots/}.
 */
@ExtendWith(SharedScheduler.class)
class RunReportBrowserIT {
  private static SchedulerInstance app;
  private static ReportRuns runs;
  private static Chromium chromium;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    runs = new ReportRuns(app);
    chromium = Chromium.start();
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    runs.close();
  }

  @Test
  void rendersAPlayedRunsReportInChromium() throws Exception {
    ReportRuns.Played played = runs.playFailedRun();
    JsonNode json = app.http(played.tenant(), "viewer").get(played.path()).body();
    var driver = chromium.driver;
    // The browser sends the viewer's token itself, so it asks for the page as any browser does.
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand(
        "Network.setExtraHTTPHeaders",
        Map.of(
            "headers",
            Map.of("Authorization", "Bearer " + ReportRuns.viewerToken(app, played.tenant()))));
    try {
      chromium.consoleProblems();
      driver.get(ReportRuns.baseUrl(app) + played.path());
    } finally {
      driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of()));
    }

    // The tenant's markup is shown as text and never became elements (which would have run and
    // set the title to "pwned").
    assertThat(driver.getTitle())
        .isEqualTo("Run " + played.runId() + " · " + ReportRuns.HOSTILE_NAME + " · Faultline");
    assertThat(driver.findElement(By.tagName("h1")).getText())
        .isEqualTo("Run report: " + ReportRuns.HOSTILE_NAME);
    assertThat(driver.findElement(By.cssSelector("#hypothesis blockquote")).getText())
        .isEqualTo(ReportRuns.HOSTILE_HYPOTHESIS);
    assertThat(driver.findElements(By.tagName("img"))).isEmpty();
    assertThat(driver.findElements(By.tagName("script"))).isEmpty();

    WebElement verdict = driver.findElement(By.cssSelector("#verdict .verdict-value"));
    assertThat(verdict.isDisplayed()).isTrue();
    assertThat(verdict.getText()).isEqualTo(expectedVerdictText(json));

    List<WebElement> faultRows = driver.findElements(By.cssSelector("#faults-table tr.fault"));
    assertThat(faultRows).hasSize(json.path("faults").size()).hasSize(4);
    assertThat(faultRows.stream().map(WebElement::getText))
        .filteredOn(t -> t.contains("FAILED"))
        .singleElement()
        .satisfies(t -> assertThat(t).contains("INJECT").contains("SSM command failed on i-0"));
    assertThat(driver.findElements(By.cssSelector("#timeline-table tr.event")))
        .hasSize(json.path("timeline").size());
    assertThat(driver.findElement(By.id("trace-list")).getText()).contains(ReportRuns.CALLER_TRACE);

    WebElement plot = driver.findElement(By.cssSelector("svg#readings-plot"));
    assertThat(plot.isDisplayed()).isTrue();
    assertThat(plot.getSize().getWidth()).isGreaterThan(800);
    assertThat(driver.findElements(By.cssSelector("svg#readings-plot circle.reading")))
        .hasSize(json.path("readings").size());
    assertThat(driver.findElements(By.cssSelector("svg#readings-plot g.wave-lane"))).hasSize(2);
    assertThat(driver.findElements(By.cssSelector("svg#readings-plot line.event")))
        .hasSize(json.path("timeline").size());

    assertNothingFetchedAndNoConsoleProblems();
    Path shot = Screenshots.take(driver, "played-run");
    // #fff8c5: the inconclusive (or no) verdict box; #ddf4ff: the waves' spans in the plot.
    Screenshots.assertShowsAPage(shot, 200, 0xfff8c5, 0xddf4ff);
  }

  @Test
  void plotsEveryProbeReadingInChromium() throws Exception {
    RunReport report = ReportFixtures.report();
    Files.createDirectories(Screenshots.DIR);
    Path page = Screenshots.DIR.resolve("readings-report.html").toAbsolutePath();
    Files.writeString(page, HtmlReport.render(report), StandardCharsets.UTF_8);
    var driver = chromium.driver;
    chromium.consoleProblems();
    driver.get(page.toUri().toString());

    WebElement verdict = driver.findElement(By.cssSelector("#verdict .verdict-value"));
    assertThat(verdict.getText()).isEqualTo("Hypothesis refuted HYPOTHESIS_REFUTED");
    assertThat(driver.findElement(By.cssSelector("#verdict .verdict-reason")).getText())
        .isEqualTo("probe errors breached " + ReportFixtures.HOSTILE);
    assertThat(driver.findElements(By.cssSelector("#faults-table tr.fault"))).hasSize(3);
    List<WebElement> points =
        driver.findElements(By.cssSelector("svg#readings-plot circle.reading"));
    assertThat(points).hasSize(report.readings().size()).hasSize(20);
    assertThat(points).allMatch(WebElement::isDisplayed);
    assertThat(driver.findElements(By.cssSelector("svg#readings-plot circle.reading.failing")))
        .hasSize(3);
    assertThat(driver.findElements(By.cssSelector("svg#readings-plot g.probe-lane"))).hasSize(2);
    // Later readings of a probe sit further right: the plot's x axis is time.
    List<Integer> xs =
        driver
            .findElements(
                By.cssSelector("svg#readings-plot g.probe-lane[data-probe='api-ok'] circle"))
            .stream()
            .map(p -> p.getRect().getX())
            .toList();
    assertThat(xs).hasSize(12).isSorted().doesNotHaveDuplicates();

    assertNothingFetchedAndNoConsoleProblems();
    Path shot = Screenshots.take(driver, "readings");
    // #1a7f37: readings ok; #cf222e: failing readings; #ffebe9: the "refuted" verdict box.
    Screenshots.assertShowsAPage(shot, 20, 0x1a7f37, 0xcf222e, 0xffebe9);
  }

  private static String expectedVerdictText(JsonNode report) {
    return switch (report.path("verdict").asText("")) {
      case "HYPOTHESIS_HELD" -> "Hypothesis held HYPOTHESIS_HELD";
      case "HYPOTHESIS_REFUTED" -> "Hypothesis refuted HYPOTHESIS_REFUTED";
      case "INCONCLUSIVE" -> "Inconclusive INCONCLUSIVE";
      default -> "No verdict";
    };
  }

  private static void assertNothingFetchedAndNoConsoleProblems() {
    assertThat(chromium.fetchedResources()).as("requests beyond the page itself").isEmpty();
    List<LogEntry> problems = chromium.consoleProblems();
    assertThat(problems).as("console warnings and errors").isEmpty();
    // The console check can fail: an error the page logs is seen.
    chromium.driver.executeScript("console.error('report-test-probe')");
    assertThat(chromium.consoleProblems())
        .anySatisfy(e -> assertThat(e.getMessage()).contains("report-test-probe"));
  }
}
