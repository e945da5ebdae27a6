package io.faultline.scheduler.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A real headless Chromium driven by Debian's chromedriver. Both must be installed ({@code apt-get
 * install chromium chromium-driver}; {@code .ci/run} does it): without them the test fails, never
 * skips. Selenium Manager is never asked to fetch a driver or a browser, and the browser resolves
 * no host but localhost, so nothing the page could ask for leaves this machine.
 */
final class Chromium implements AutoCloseable {
  final ChromeDriver driver;

  private Chromium(ChromeDriver driver) {
    this.driver = driver;
  }

  static Chromium start() {
    Path browser = find("chromium", "chromium-browser", "google-chrome");
    Path chromedriver = find("chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments(
        "--headless=new",
        // The tests run as root in a container: Chromium's sandbox needs user namespaces.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    return new Chromium(new ChromeDriver(service, options));
  }

  /** The browser console's warnings and errors since the last call. */
  List<LogEntry> consoleProblems() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .toList();
  }

  /** Every resource the page fetched after its own document (Resource Timing). */
  List<Object> fetchedResources() {
    Object entries =
        driver.executeScript("return performance.getEntriesByType('resource').map(e => e.name);");
    return entries instanceof List<?> list ? List.copyOf(list) : List.of();
  }

  private static Path find(String... names) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    return Stream.of(names)
        .flatMap(name -> Stream.of(path.split(":")).map(dir -> Path.of(dir, name)))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "the report's browser test needs "
                        + String.join(" or ", names)
                        + " on the PATH: apt-get install -y chromium chromium-driver"
                        + " (.ci/run installs them)"));
  }

  @Override
  public void close() {
    driver.quit();
  }
}
