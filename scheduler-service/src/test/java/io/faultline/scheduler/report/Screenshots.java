package io.faultline.scheduler.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/** Full-page screenshots of the report, saved under target/, and checks that they show a page. */
final class Screenshots {
  static final Path DIR = Path.of("target", "report-screenshots");

  private Screenshots() {}

  /** Grows the window to the page's height, then saves what it shows as {@code name}.png. */
  static Path take(ChromeDriver driver, String name) throws IOException {
    long height =
        ((Number) driver.executeScript("return document.documentElement.scrollHeight;"))
            .longValue();
    driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 40, 6000)));
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.createDirectories(DIR);
    Path file = DIR.resolve(name + ".png");
    Files.write(file, png);
    return file;
  }

  /**
   * A real picture of a page: a decodable PNG of a window's size and weight, with varied pixels
   * (not blank, not one flat colour), and at least {@code minPixels} pixels close to each of the
   * given colours (e.g. the verdict box, the readings' dots).
   */
  static void assertShowsAPage(Path file, int minPixels, int... rgbs) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes.length).as("PNG size of %s", file).isGreaterThan(20_000);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    assertThat(image).as("%s decodes as an image", file).isNotNull();
    assertThat(image.getWidth()).isGreaterThanOrEqualTo(1000);
    assertThat(image.getHeight()).isGreaterThanOrEqualTo(800);
    double sum = 0;
    double squares = 0;
    long n = 0;
    Set<Integer> colours = new HashSet<>();
    int[] near = new int[rgbs.length];
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        double luminance =
            0.2126 * (rgb >> 16 & 0xff) + 0.7152 * (rgb >> 8 & 0xff) + 0.0722 * (rgb & 0xff);
        sum += luminance;
        squares += luminance * luminance;
        n++;
        colours.add(rgb);
        for (int i = 0; i < rgbs.length; i++) {
          if (close(rgb, rgbs[i])) {
            near[i]++;
          }
        }
      }
    }
    double mean = sum / n;
    double variance = squares / n - mean * mean;
    assertThat(variance).as("luminance variance of %s", file).isGreaterThan(300);
    assertThat(colours.size()).as("distinct colours in %s", file).isGreaterThan(200);
    for (int i = 0; i < rgbs.length; i++) {
      assertThat(near[i])
          .as("pixels of colour #%06x in %s (every other pixel sampled)", rgbs[i], file)
          .isGreaterThanOrEqualTo(minPixels);
    }
  }

  private static boolean close(int a, int b) {
    return Math.abs((a >> 16 & 0xff) - (b >> 16 & 0xff)) < 12
        && Math.abs((a >> 8 & 0xff) - (b >> 8 & 0xff)) < 12
        && Math.abs((a & 0xff) - (b & 0xff)) < 12;
  }
}
