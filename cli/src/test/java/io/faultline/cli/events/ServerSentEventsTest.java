package io.faultline.cli.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {
  @Test
  void readsEventsCommentsAndMultiLineData() {
    String transcript =
        String.join(
            "\n",
            ":keep-alive",
            "",
            "id:f-1:1",
            "event:APPROVED",
            "data:{\"faultId\":\"f-1\",",
            "data: \"stage\":\"APPROVED\"}",
            "",
            "event: dropped",
            "data:",
            "",
            "");
    ServerSentEvents parser = new ServerSentEvents();
    List<ServerSentEvents.Event> events = new ArrayList<>();
    for (String line : transcript.split("\n", -1)) {
      parser.line(line).ifPresent(events::add);
    }
    assertThat(events)
        .containsExactly(
            new ServerSentEvents.Event(
                "f-1:1", "APPROVED", "{\"faultId\":\"f-1\",\n\"stage\":\"APPROVED\"}"),
            new ServerSentEvents.Event("f-1:1", "dropped", ""));
  }

  @Test
  void linesOfLifecycleAndRunEvents() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String lifecycle =
        EventLine.text(
            "FAILED",
            json.readTree(
                "{\"faultId\":\"run-1.w0.t0\",\"runId\":\"run-1\",\"stage\":\"FAILED\","
                    + "\"faultType\":\"ec2-process-kill\",\"accountId\":\"123456789012\","
                    + "\"region\":\"eu-west-1\",\"occurredAt\":\"2026-12-05T20:00:00Z\","
                    + "\"reason\":\"INJECT\",\"detail\":\"SSM command failed\"}"));
    assertThat(lifecycle)
        .isEqualTo(
            "2026-12-05T20:00:00Z FAILED           fault=run-1.w0.t0 run=run-1"
                + " type=ec2-process-kill 123456789012/eu-west-1 — INJECT: SSM command failed");
    String reading =
        EventLine.text(
            "PROBE_READING",
            json.readTree(
                "{\"kind\":\"PROBE_READING\",\"runId\":\"run-1\",\"probe\":\"api-ok\","
                    + "\"phase\":\"RUNNING\","
                    + "\"at\":\"2026-12-05T20:00:01Z\",\"reading\":{\"ok\":false,\"status\":503,"
                    + "\"latencyMs\":12}}"));
    assertThat(reading)
        .isEqualTo(
            "2026-12-05T20:00:01Z PROBE_READING    run=run-1 probe=api-ok phase=RUNNING NOT ok"
                + " status=503"
                + " latencyMs=12");
    String verdict =
        EventLine.text(
            "VERDICT",
            json.readTree(
                "{\"kind\":\"VERDICT\",\"runId\":\"run-1\",\"at\":\"2026-12-05T20:00:02Z\","
                    + "\"verdict\":\"HYPOTHESIS_HELD\"}"));
    assertThat(verdict)
        .isEqualTo("2026-12-05T20:00:02Z VERDICT          run=run-1 verdict=HYPOTHESIS_HELD");
  }
}
