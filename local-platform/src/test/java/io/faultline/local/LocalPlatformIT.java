package io.faultline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The README's second command as a user runs it: {@code ./faultline-local} (without its build step:
 * the jars were just packaged) until its banner, the banner's URLs answer, the banner's curl
 * example runs the demo fault through the scheduler's API to COMPLETED, and SIGTERM stops the
 * launcher and every process it started.
 */
class LocalPlatformIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
  private static final Path ROOT =
      Path.of(System.getProperty("faultline.local.root", "..")).toAbsolutePath().normalize();

  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  @Test
  void theLocalCommandRunsTheDemoFaultToCompletedAndLeavesNoProcessBehindOnSigterm()
      throws Exception {
    Path logs =
        Path.of(System.getProperty("faultline.local.work-dir", "target/it"))
            .resolve("run-" + ProcessHandle.current().pid())
            .toAbsolutePath();
    Process launcher =
        new ProcessBuilder(
                ROOT.resolve("faultline-local").toString(), "--no-build", "--logs", logs.toString())
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    Thread reader = Thread.ofPlatform().daemon().start(() -> collect(launcher));
    List<ProcessHandle> children = List.of();
    try {
      await("the banner of ./faultline-local")
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                assertThat(launcher.isAlive()).as("launcher alive; output:\n%s", text()).isTrue();
                return text().contains(Banner.EXAMPLE_END);
              });
      String banner = text();
      System.out.println(banner);
      assertThat(banner).contains(Banner.READY);
      children = launcher.toHandle().descendants().toList();
      assertThat(children)
          .as("moto, Zipkin and three services run as children of the launcher")
          .hasSizeGreaterThanOrEqualTo(5);

      for (String url : urls(banner, "/actuator/prometheus")) {
        assertThat(get(url)).as(url).contains("kafka_consumer_fetch_manager_records_lag_max");
      }
      String swagger = urls(banner, "/swagger-ui.html").get(0);
      assertThat(status(swagger)).as(swagger).isEqualTo(200);
      // Actuator is on the management ports only, not on the API's.
      String apiActuator = swagger.replace("/swagger-ui.html", "/actuator/prometheus");
      assertThat(status(apiActuator)).as(apiActuator).isNotEqualTo(200);
      String zipkin = urls(banner, "/zipkin/").get(0);
      assertThat(get(zipkin.replace("/zipkin/", "/health"))).contains("UP");

      JsonNode run = runExample(banner);
      assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("COMPLETED");
      JsonNode fault = run.path("faults").get(0);
      assertThat(fault.path("stage").asText()).isEqualTo("COMPLETED");
      assertThat(fault.path("accountId").asText()).isEqualTo(DemoTenant.ACCOUNT);
      assertThat(fault.path("detail").asText())
          .as("both instances tagged app=checkout were targets")
          .contains("2 targets");
      assertThat(
              StreamSupport.stream(run.path("timeline").spliterator(), false)
                  .map(e -> e.path("stage").asText())
                  .toList())
          .as("timeline of %s", run)
          .contains("APPROVED", "STARTED", "INJECTED", "COMPLETED");
    } finally {
      // SIGTERM through the handle: Process.destroy() would also close the output being read.
      launcher.toHandle().destroy();
      boolean exited = launcher.waitFor(90, TimeUnit.SECONDS);
      if (!exited) {
        launcher.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
      reader.join(Duration.ofSeconds(5));
      assertThat(exited).as("the launcher stops on SIGTERM; output:\n%s", text()).isTrue();
    }
    assertThat(text()).contains("stopped.");
    assertThat(children)
        .as("no child of the launcher survives it")
        .noneMatch(ProcessHandle::isAlive);
  }

  /** Runs the banner's example in bash, as pasted; returns the run it prints last. */
  private JsonNode runExample(String banner) throws Exception {
    String example =
        banner.substring(
            banner.indexOf(Banner.EXAMPLE_START) + Banner.EXAMPLE_START.length(),
            banner.indexOf(Banner.EXAMPLE_END));
    Process bash =
        new ProcessBuilder("bash", "-c", example)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    boolean done = bash.waitFor(120, TimeUnit.SECONDS);
    if (!done) {
      bash.destroyForcibly();
    }
    String printed = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("the example ends within 2 minutes; it printed %s", printed).isTrue();
    assertThat(bash.exitValue()).as("exit code of the example").isZero();
    List<String> lines = printed.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("the example prints the run").isNotEmpty();
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  /** The URLs in the banner that end with {@code suffix}. */
  private static List<String> urls(String banner, String suffix) {
    Matcher m = Pattern.compile("http://localhost:\\d+" + Pattern.quote(suffix)).matcher(banner);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group());
    }
    assertThat(found).as("URLs ending %s in the banner", suffix).isNotEmpty();
    return found;
  }

  private static int status(String url) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
    return response.body();
  }

  private void collect(Process launcher) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("(reading the launcher's output failed: " + e + ")");
    }
  }

  private String text() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }
}
