package io.faultline.scheduler.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.scheduler.state.RunStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class HtmlReportTest {
  private final RunReport report = ReportFixtures.report();
  private final String html = HtmlReport.render(report);

  @Test
  void escapesEveryTextATenantOrExecutorSupplied() {
    assertThat(html).doesNotContain("<script").doesNotContain("alert('x')");
    String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;";
    // experiment name (title and heading), hypothesis, wave name, fault detail, timeline detail,
    // verdict reason, probe name, reading error
    assertThat(html.split(Pattern.quote(escaped), -1).length - 1).isGreaterThanOrEqualTo(8);
    assertThat(html).contains("<blockquote>Checkout keeps serving " + escaped + "</blockquote>");
  }

  @Test
  void referencesNothingOutsideThePage() {
    assertThat(html)
        .doesNotContainPattern("(?i)\\s(src|href|action|srcset|xlink:href)\\s*=")
        .doesNotContainPattern("(?i)url\\(")
        .doesNotContainPattern("(?i)@import")
        .doesNotContainPattern("(?i)<(link|script|iframe|img|object|embed)\\b");
    // The SVG namespace is a name, not a fetch; it is the only URL on the page.
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContainPattern("(?i)https?:");
    assertThat(html)
        .contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';");
  }

  @Test
  void showsTheVerdictTheHypothesisAndOneRowPerFault() {
    assertThat(html).contains("class=\"verdict v-HYPOTHESIS_REFUTED\"");
    assertThat(html).contains("Hypothesis refuted <code>HYPOTHESIS_REFUTED</code>");
    assertThat(count(html, "<tr class=\"fault\"")).isEqualTo(3);
    assertThat(count(html, "<tr class=\"event\"")).isEqualTo(7);
    assertThat(html).contains(ReportFixtures.RUN_TRACE).contains(ReportFixtures.FAULT_TRACE);
  }

  @Test
  void plotsOnePointPerReadingInAWellFormedSvg() throws Exception {
    Document svg = svg(html);
    var xpath = XPathFactory.newInstance().newXPath();
    NodeList points =
        (NodeList) xpath.evaluate("//*[local-name()='circle']", svg, XPathConstants.NODESET);
    assertThat(points.getLength()).isEqualTo(report.readings().size());
    NodeList failing =
        (NodeList)
            xpath.evaluate(
                "//*[local-name()='circle'][contains(@class,'failing')]",
                svg,
                XPathConstants.NODESET);
    assertThat(failing.getLength()).isEqualTo(3);
    NodeList lanes =
        (NodeList)
            xpath.evaluate(
                "//*[local-name()='g'][contains(@class,'lane')]", svg, XPathConstants.NODESET);
    assertThat(lanes.getLength()).as("two waves, two probes").isEqualTo(4);
    // Every point lies inside the plot's time axis.
    for (int i = 0; i < points.getLength(); i++) {
      double cx =
          Double.parseDouble(points.item(i).getAttributes().getNamedItem("cx").getNodeValue());
      assertThat(cx).isBetween(190.0, 976.0);
    }
  }

  @Test
  void laterReadingsArePlottedFurtherRight() throws Exception {
    NodeList points =
        (NodeList)
            XPathFactory.newInstance()
                .newXPath()
                .evaluate(
                    "//*[local-name()='g'][@data-probe='api-ok']/*[local-name()='circle']",
                    svg(html),
                    XPathConstants.NODESET);
    assertThat(points.getLength()).isEqualTo(12);
    double previous = -1;
    for (int i = 0; i < points.getLength(); i++) {
      double cx =
          Double.parseDouble(points.item(i).getAttributes().getNamedItem("cx").getNodeValue());
      assertThat(cx).isGreaterThan(previous);
      previous = cx;
    }
  }

  @Test
  void saysWhenThereIsNoVerdictYet() {
    RunReport running =
        ReportAssembler.assemble(
            ReportFixtures.run()
                .with(
                    RunStatus.RUNNING,
                    1,
                    ReportFixtures.run().waves(),
                    ReportFixtures.run().faults(),
                    List.of(),
                    null,
                    null),
            List.of(),
            null,
            ReportFixtures.T0.plusSeconds(30));
    String page = HtmlReport.render(running);
    assertThat(page)
        .contains("No verdict yet: the run is running")
        .contains("class=\"verdict v-none\"");
    assertThat(page).contains("id=\"no-readings\"");
    assertThat(count(page, "<circle")).isZero();
  }

  private static Document svg(String html) throws Exception {
    String svg = html.substring(html.indexOf("<svg"), html.indexOf("</svg>") + "</svg>".length());
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }
}
