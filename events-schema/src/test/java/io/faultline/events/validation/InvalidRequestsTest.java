package io.faultline.events.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid request is rejected, through the full Kafka decoding path, with the expected JSON
 * path and rule.
 */
class InvalidRequestsTest {
  private static final EventCodec CODEC = EventCodec.standard();

  /** A valid process-kill request selecting by tag, as JSON, to be broken by each case. */
  private static ObjectNode processKill() {
    ObjectNode node = Json.mapper().valueToTree(Fixtures.aProcessKillRequest());
    ObjectNode parameters = (ObjectNode) node.get("parameters");
    parameters.removeAll();
    parameters.put("PROCESS_IDS", "1234,1235");
    parameters.put("EC2_INSTANCE_TAG", "app:checkout");
    return node;
  }

  private static ObjectNode httpResetPeer() {
    ObjectNode node = processKill();
    node.put("faultType", "ec2-http-reset-peer");
    ((ObjectNode) node.get("parameters")).remove("PROCESS_IDS");
    return node;
  }

  private static ObjectNode ecsAgentStop() {
    ObjectNode node = processKill();
    node.put("faultType", "ecs-agent-stop");
    ObjectNode parameters = (ObjectNode) node.get("parameters");
    parameters.removeAll();
    parameters.put("CLUSTER_NAME", "checkout");
    return node;
  }

  private static Arguments data(
      String name, ObjectNode base, Consumer<ObjectNode> breakIt, String path, String rule) {
    breakIt.accept(base);
    return Arguments.of(Named.of(name, base), path, rule);
  }

  private static Consumer<ObjectNode> param(String name, Object value) {
    return node -> {
      ObjectNode parameters = (ObjectNode) node.get("parameters");
      parameters.set(name, Json.mapper().valueToTree(value));
    };
  }

  private static Consumer<ObjectNode> without(String field) {
    return node -> node.remove(field);
  }

  private static Consumer<ObjectNode> withoutParam(String name) {
    return node -> ((ObjectNode) node.get("parameters")).remove(name);
  }

  private static Consumer<ObjectNode> set(String field, Object value) {
    return node -> node.set(field, Json.mapper().valueToTree(value));
  }

  static Stream<Arguments> invalidData() {
    return Stream.of(
        // missing fields
        data("missing faultId", processKill(), without("faultId"), "$.faultId", "required"),
        data("missing tenantId", processKill(), without("tenantId"), "$.tenantId", "required"),
        data("missing faultType", processKill(), without("faultType"), "$.faultType", "required"),
        data("missing accountId", processKill(), without("accountId"), "$.accountId", "required"),
        data("missing region", processKill(), without("region"), "$.region", "required"),
        data(
            "missing parameters", processKill(), without("parameters"), "$.parameters", "required"),
        data(
            "missing requestedBy",
            processKill(),
            without("requestedBy"),
            "$.requestedBy",
            "required"),
        data(
            "missing requestedAt",
            processKill(),
            without("requestedAt"),
            "$.requestedAt",
            "required"),
        // wrong types and formats
        data("faultId is a number", processKill(), set("faultId", 42), "$.faultId", "type"),
        data("dryRun is a string", processKill(), set("dryRun", "yes"), "$.dryRun", "type"),
        data(
            "parameters is a string",
            processKill(),
            set("parameters", "x"),
            "$.parameters",
            "type"),
        data("accountId is a number", processKill(), set("accountId", 1111), "$.accountId", "type"),
        data(
            "requestedAt is not a date-time",
            processKill(),
            set("requestedAt", "yesterday"),
            "$.requestedAt",
            "format"),
        data("reason is a number", processKill(), set("reason", 5), "$.reason", "type"),
        data("short account id", processKill(), set("accountId", "1234"), "$.accountId", "pattern"),
        data("unknown region shape", processKill(), set("region", "mars-1"), "$.region", "pattern"),
        data("upper-case tenant", processKill(), set("tenantId", "ACME"), "$.tenantId", "pattern"),
        data(
            "fault id starting with a dash",
            processKill(),
            set("faultId", "-rf"),
            "$.faultId",
            "pattern"),
        data(
            "unexpected top-level field",
            processKill(),
            set("extra", true),
            "$.extra",
            "additionalProperties"),
        // fault types and tunables
        data(
            "unknown fault type",
            processKill(),
            set("faultType", "ec2-meltdown"),
            "$.faultType",
            "knownFaultType"),
        data(
            "duration zero",
            processKill(),
            param("TOTAL_CHAOS_DURATION", 0),
            "$.parameters.TOTAL_CHAOS_DURATION",
            "minimum"),
        data(
            "duration over 12 h",
            processKill(),
            param("TOTAL_CHAOS_DURATION", 50_000),
            "$.parameters.TOTAL_CHAOS_DURATION",
            "maximum"),
        data(
            "duration not a number",
            processKill(),
            param("TOTAL_CHAOS_DURATION", "abc"),
            "$.parameters.TOTAL_CHAOS_DURATION",
            "type"),
        data(
            "duration a fraction",
            processKill(),
            param("TOTAL_CHAOS_DURATION", 1.5),
            "$.parameters.TOTAL_CHAOS_DURATION",
            "type"),
        data(
            "affected percent over 100",
            processKill(),
            param("INSTANCE_AFFECTED_PERC", 101),
            "$.parameters.INSTANCE_AFFECTED_PERC",
            "maximum"),
        data(
            "negative ramp time",
            processKill(),
            param("RAMP_TIME", -1),
            "$.parameters.RAMP_TIME",
            "minimum"),
        data(
            "port over 65535",
            httpResetPeer(),
            param("TARGET_SERVICE_PORT", 70_000),
            "$.parameters.TARGET_SERVICE_PORT",
            "maximum"),
        data(
            "port zero",
            httpResetPeer(),
            param("TARGET_SERVICE_PORT", 0),
            "$.parameters.TARGET_SERVICE_PORT",
            "minimum"),
        data(
            "unknown sequence",
            processKill(),
            param("SEQUENCE", "random"),
            "$.parameters.SEQUENCE",
            "enum"),
        data(
            "force is not a boolean",
            processKill(),
            param("FORCE", "maybe"),
            "$.parameters.FORCE",
            "type"),
        data(
            "both instance id and tag",
            processKill(),
            param("EC2_INSTANCE_ID", "i-0abc12345def67890"),
            "$.parameters.EC2_INSTANCE_ID",
            "exactlyOneOf"),
        data(
            "neither instance id nor tag",
            processKill(),
            withoutParam("EC2_INSTANCE_TAG"),
            "$.parameters.EC2_INSTANCE_ID",
            "exactlyOneOf"),
        data(
            "percent with instance ids",
            processKill(),
            withoutParam("EC2_INSTANCE_TAG")
                .andThen(param("EC2_INSTANCE_ID", "i-0abc12345def67890"))
                .andThen(param("INSTANCE_AFFECTED_PERC", 50)),
            "$.parameters.INSTANCE_AFFECTED_PERC",
            "onlyWith"),
        data(
            "unknown tunable",
            processKill(),
            param("CPU_CORES", 2),
            "$.parameters.CPU_CORES",
            "unknownParameter"),
        data(
            "role in a request",
            processKill(),
            param("ASSUME_ROLE_ARN", "arn:aws:iam::1:role/x"),
            "$.parameters.ASSUME_ROLE_ARN",
            "platformManaged"),
        data(
            "credentials in a request",
            processKill(),
            param("AWS_AUTHENTICATION_SECRET", "s"),
            "$.parameters.AWS_AUTHENTICATION_SECRET",
            "platformManaged"),
        data(
            "neither PROCESS_IDS nor PROCESS_NAMES",
            processKill(),
            withoutParam("PROCESS_IDS"),
            "$.parameters.PROCESS_IDS",
            "exactlyOneOf"),
        data(
            "both PROCESS_IDS and PROCESS_NAMES",
            processKill(),
            param("PROCESS_NAMES", "nginx"),
            "$.parameters.PROCESS_IDS",
            "exactlyOneOf"),
        data(
            "PROCESS_NAMES with a quote",
            processKill(),
            withoutParam("PROCESS_IDS").andThen(param("PROCESS_NAMES", "ngi'nx")),
            "$.parameters.PROCESS_NAMES",
            "pattern"),
        data(
            "PROCESS_NAMES with a pipe",
            processKill(),
            withoutParam("PROCESS_IDS").andThen(param("PROCESS_NAMES", "a|b")),
            "$.parameters.PROCESS_NAMES",
            "pattern"),
        data(
            "PROCESS_NAMES with a space",
            processKill(),
            withoutParam("PROCESS_IDS").andThen(param("PROCESS_NAMES", "java -jar")),
            "$.parameters.PROCESS_NAMES",
            "pattern"),
        data(
            "PROCESS_NAMES with a command substitution",
            processKill(),
            withoutParam("PROCESS_IDS").andThen(param("PROCESS_NAMES", "$(id)")),
            "$.parameters.PROCESS_NAMES",
            "pattern"),
        data(
            "more than 20 PROCESS_NAMES",
            processKill(),
            withoutParam("PROCESS_IDS")
                .andThen(
                    param(
                        "PROCESS_NAMES", String.join(",", java.util.Collections.nCopies(21, "a")))),
            "$.parameters.PROCESS_NAMES",
            "pattern"),
        data(
            "PROCESS_MATCH without PROCESS_NAMES",
            processKill(),
            param("PROCESS_MATCH", "pattern"),
            "$.parameters.PROCESS_MATCH",
            "onlyWith"),
        data(
            "missing CLUSTER_NAME",
            ecsAgentStop(),
            withoutParam("CLUSTER_NAME"),
            "$.parameters.CLUSTER_NAME",
            "required"),
        data(
            "process kill tunable on ECS",
            ecsAgentStop(),
            param("FORCE", true),
            "$.parameters.FORCE",
            "unknownParameter"),
        // values that would reach a shell
        data(
            "PROCESS_IDS with ;",
            processKill(),
            param("PROCESS_IDS", "1234;reboot"),
            "$.parameters.PROCESS_IDS",
            "pattern"),
        data(
            "PROCESS_IDS with $()",
            processKill(),
            param("PROCESS_IDS", "$(id)"),
            "$.parameters.PROCESS_IDS",
            "pattern"),
        data(
            "PROCESS_IDS with backticks",
            processKill(),
            param("PROCESS_IDS", "`id`"),
            "$.parameters.PROCESS_IDS",
            "pattern"),
        data(
            "PROCESS_IDS with a space",
            processKill(),
            param("PROCESS_IDS", "1234 1235"),
            "$.parameters.PROCESS_IDS",
            "pattern"),
        data(
            "PROCESS_IDS with a newline",
            processKill(),
            param("PROCESS_IDS", "1234\nreboot"),
            "$.parameters.PROCESS_IDS",
            "pattern"),
        data(
            "PROCESS_IDS naming init",
            processKill(),
            param("PROCESS_IDS", "1,1234"),
            "$.parameters.PROCESS_IDS",
            "pattern"),
        data(
            "PROCESS_IDS negative (process group)",
            processKill(),
            param("PROCESS_IDS", "-1"),
            "$.parameters.PROCESS_IDS",
            "pattern"),
        data(
            "tag with ;",
            processKill(),
            param("EC2_INSTANCE_TAG", "app:checkout;rm -rf /"),
            "$.parameters.EC2_INSTANCE_TAG",
            "pattern"),
        data(
            "tag with $()",
            processKill(),
            param("EC2_INSTANCE_TAG", "app:$(id)"),
            "$.parameters.EC2_INSTANCE_TAG",
            "pattern"),
        data(
            "tag with quote",
            processKill(),
            param("EC2_INSTANCE_TAG", "app:it's"),
            "$.parameters.EC2_INSTANCE_TAG",
            "pattern"),
        data(
            "tag without value",
            processKill(),
            param("EC2_INSTANCE_TAG", "app"),
            "$.parameters.EC2_INSTANCE_TAG",
            "pattern"),
        data(
            "instance id too short",
            processKill(),
            withoutParam("EC2_INSTANCE_TAG").andThen(param("EC2_INSTANCE_ID", "i-123")),
            "$.parameters.EC2_INSTANCE_ID",
            "pattern"),
        data(
            "instance id with |",
            processKill(),
            withoutParam("EC2_INSTANCE_TAG")
                .andThen(param("EC2_INSTANCE_ID", "i-0abc12345def67890|sh")),
            "$.parameters.EC2_INSTANCE_ID",
            "pattern"),
        data(
            "interface with ;",
            httpResetPeer(),
            param("NETWORK_INTERFACE", "eth0;reboot"),
            "$.parameters.NETWORK_INTERFACE",
            "pattern"),
        data(
            "interface with &&",
            httpResetPeer(),
            param("NETWORK_INTERFACE", "eth0 && x"),
            "$.parameters.NETWORK_INTERFACE",
            "pattern"),
        data(
            "interface as an option",
            httpResetPeer(),
            param("NETWORK_INTERFACE", "-eth0"),
            "$.parameters.NETWORK_INTERFACE",
            "pattern"),
        data(
            "interface too long",
            httpResetPeer(),
            param("NETWORK_INTERFACE", "averyverylongname0"),
            "$.parameters.NETWORK_INTERFACE",
            "pattern"),
        data(
            "port with ;",
            httpResetPeer(),
            param("TARGET_SERVICE_PORT", "80;reboot"),
            "$.parameters.TARGET_SERVICE_PORT",
            "type"),
        data(
            "port with $()",
            httpResetPeer(),
            param("TARGET_SERVICE_PORT", "$(id)"),
            "$.parameters.TARGET_SERVICE_PORT",
            "type"),
        data(
            "cluster with ;",
            ecsAgentStop(),
            param("CLUSTER_NAME", "prod;reboot"),
            "$.parameters.CLUSTER_NAME",
            "pattern"),
        data(
            "proxy with a command",
            processKill(),
            param("PROXY", "http://proxy:3128;curl evil"),
            "$.parameters.PROXY",
            "pattern"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidData")
  void rejectsInvalidDataNamingFieldAndRule(ObjectNode data, String path, String rule) {
    ProducerRecord<String, byte[]> record = binaryRecord(data);
    assertThatThrownBy(
            () -> CODEC.decode(Topics.FAULT_REQUESTS, "acme", record.headers(), record.value()))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e ->
                assertThat(e.violations())
                    .as("violations of %s", data)
                    .anySatisfy(
                        v -> {
                          assertThat(v.path()).isEqualTo(path);
                          assertThat(v.rule()).isEqualTo(rule);
                        }));
  }

  static Stream<Arguments> invalidEnvelopes() {
    return Stream.of(
        Arguments.of(
            Named.of(
                "specversion 2.0", (Consumer<Headers>) h -> replace(h, "ce_specversion", "2.0")),
            "ce.specversion",
            "specversion"),
        Arguments.of(
            Named.of(
                "specversion 0.3", (Consumer<Headers>) h -> replace(h, "ce_specversion", "0.3")),
            "ce.specversion",
            "specversion"),
        Arguments.of(
            Named.of("no CloudEvents headers", (Consumer<Headers>) h -> h.remove("ce_specversion")),
            "ce.specversion",
            "required"),
        Arguments.of(
            Named.of(
                "unknown type",
                (Consumer<Headers>) h -> replace(h, "ce_type", "com.example.other.v1")),
            "ce.type",
            "enum"),
        Arguments.of(
            Named.of(
                "subject is not the fault id",
                (Consumer<Headers>) h -> replace(h, "ce_subject", "f-other")),
            "ce.subject",
            "const"),
        Arguments.of(
            Named.of(
                "xml content type",
                (Consumer<Headers>) h -> replace(h, "content-type", "application/xml")),
            "ce.datacontenttype",
            "const"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidEnvelopes")
  void rejectsInvalidEnvelopesNamingAttributeAndRule(
      Consumer<Headers> breakIt, String path, String rule) {
    ProducerRecord<String, byte[]> record = binaryRecord(processKill());
    Headers headers = new RecordHeaders(record.headers().toArray());
    breakIt.accept(headers);
    assertThatThrownBy(() -> CODEC.decode(Topics.FAULT_REQUESTS, "acme", headers, record.value()))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e ->
                assertThat(e.violations())
                    .anySatisfy(
                        v -> {
                          assertThat(v.path()).isEqualTo(path);
                          assertThat(v.rule()).isEqualTo(rule);
                        }));
  }

  @org.junit.jupiter.api.Test
  void rejectsAnOversizedPayloadBeforeParsingIt() {
    ObjectNode data = processKill();
    data.put("reason", "x".repeat(70_000));
    ProducerRecord<String, byte[]> record = binaryRecord(data);
    assertThatThrownBy(
            () -> CODEC.decode(Topics.FAULT_REQUESTS, "acme", record.headers(), record.value()))
        .isInstanceOfSatisfying(
            ContractViolationException.class, e -> assertThat(e.has("$", "maxBytes")).isTrue());
  }

  @org.junit.jupiter.api.Test
  void rejectsDataThatIsNotJson() {
    ProducerRecord<String, byte[]> record = binaryRecord(processKill());
    byte[] broken = "{\"faultId\": ".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> CODEC.decode(Topics.FAULT_REQUESTS, "acme", record.headers(), broken))
        .isInstanceOfSatisfying(
            ContractViolationException.class, e -> assertThat(e.has("$", "json")).isTrue());
  }

  @org.junit.jupiter.api.Test
  void reportsEveryViolationNotOnlyTheFirst() {
    ObjectNode data = processKill();
    data.remove("tenantId");
    data.put("accountId", "1");
    ((ObjectNode) data.get("parameters")).put("PROCESS_IDS", "1;reboot");
    ProducerRecord<String, byte[]> record = binaryRecord(data);
    assertThatThrownBy(
            () -> CODEC.decode(Topics.FAULT_REQUESTS, "acme", record.headers(), record.value()))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::path)
                    .contains("$.tenantId", "$.accountId"));
  }

  /** Encodes a valid request, then swaps its data for the (broken) JSON under test. */
  private static ProducerRecord<String, byte[]> binaryRecord(ObjectNode data) {
    FaultRequested valid = Fixtures.aProcessKillRequest();
    ProducerRecord<String, byte[]> record =
        CODEC.encode(Topics.FAULT_REQUESTS, FaultlineEvent.of(URI.create("/test"), valid));
    return new ProducerRecord<>(
        record.topic(), null, record.key(), CODEC.toJson(data), record.headers());
  }

  private static void replace(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
