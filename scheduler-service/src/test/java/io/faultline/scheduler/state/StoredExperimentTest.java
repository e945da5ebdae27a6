package io.faultline.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.probe.ProbeCatalogue;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredExperimentTest {
  private static final ProbeDefinition API_OK =
      ProbeCatalogue.standard()
          .validate(Map.of("name", "api-ok", "type", "http", "url", "http://10.0.0.5:8080/health"));

  @Test
  void probesAndBakeSurviveTheStoreCanonical() {
    Experiment e =
        new Experiment(
            "acme",
            "e1",
            "kill",
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "1234"),
            "survives",
            List.of(API_OK),
            List.of(API_OK.withTolerance(2)),
            List.of(new Target("111111111111", "eu-west-1")),
            List.of(new Wave("canary", false, Map.of(), 300)),
            60,
            Instant.parse("2030-01-07T08:05:00Z"),
            "user:x",
            "c1");

    Experiment read = StateJson.read(StateJson.write(e), Experiment.class);

    assertThat(read).isEqualTo(e);
    assertThat(read.stopConditions().getFirst().type()).isEqualTo(ProbeType.HTTP);
    assertThat(read.stopConditions().getFirst().tolerance()).isEqualTo(2);
    assertThat(new String(StateJson.write(e), StandardCharsets.UTF_8))
        .contains("\"type\":\"http\"")
        .contains("\"url\":\"http://10.0.0.5:8080/health\"");
  }

  @Test
  void anExperimentStoredBeforeProbesReadsWithoutItsKindValueStopConditions() {
    String stored =
        """
        {"tenantId":"acme","experimentId":"e1","name":"kill","faultType":"ec2-process-kill",
         "parameters":{"PROCESS_IDS":"1234"},"hypothesis":"survives",
         "stopConditions":[{"kind":"cloudwatch-alarm","value":"checkout-5xx"}],
         "targets":[{"accountId":"111111111111","region":"eu-west-1"}],
         "waves":[{"name":"canary","dryRun":false,"parameters":{}}],
         "updatedAt":"2030-01-07T08:05:00Z","updatedBy":"user:x","commandId":"c0"}
        """;

    Experiment read = StateJson.read(stored.getBytes(StandardCharsets.UTF_8), Experiment.class);

    assertThat(read.stopConditions()).isEmpty();
    assertThat(read.steadyState()).isEmpty();
    assertThat(read.hasProbes()).isFalse();
    assertThat(read.bakeSeconds()).isZero();
    assertThat(read.waves().getFirst().bakeSeconds()).isNull();
  }
}
