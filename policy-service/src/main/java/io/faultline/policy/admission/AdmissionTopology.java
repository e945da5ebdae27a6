package io.faultline.policy.admission;

import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the policy service's two topologies. Pure: no I/O, no configuration beyond the arguments.
 *
 * <pre>
 * intake (exactly_once_v2, short transactions, scales with the input partitions):
 *   fault-requests ─► requests-intake ─┬─► dead-letters
 *                                      └─┐
 *   tenant-policies ─► policies-intake ──┤
 *   fault-controls ─► controls-intake ───┼─► admission log (by tenant; platform commands to all)
 *   fault-lifecycle ─► lifecycle-intake ─┤
 *   executor-heartbeats ─► heartbeats-intake ─┤
 *   target-claims ─► claims-intake ──────┘
 *
 * admission (exactly_once_v2, one task per admission-log partition):
 *   admission log ─► admission ─┬─► fault-approvals
 *                               ├─► admission log (escrow asks and grants, ADR 0012)
 *                               ├─► dead-letters (requests refused unauthenticated, ADR 0008)
 *                               ├─► target-grants (answers to target claims)
 *                               └─► fault-lifecycle
 * </pre>
 *
 * They run as two Kafka Streams applications so that each has its own commit interval and its own
 * threads: intake commits its small transactions every few milliseconds (a decision waits for the
 * request's intake transaction before admission can read it), while the one admission thread does
 * nothing but decide.
 */
public final class AdmissionTopology {
  private AdmissionTopology() {}

  /** The producer name in lifecycle events and the CloudEvents source. */
  public static final String PRODUCER = "policy-service";

  static final String POLICIES_STORE = "admission-policies";
  static final String HALTS_STORE = "admission-halts";
  static final String DECISIONS_STORE = "admission-decisions";
  static final String LEASES_STORE = "admission-leases";
  static final String COOLDOWNS_STORE = "admission-cooldowns";
  static final String ESCROW_STORE = "admission-escrow";
  static final String PARKED_STORE = "admission-parked";

  public static Topology intake(AdmissionSettings settings) {
    return intake(settings, AdmissionTelemetry.none());
  }

  /**
   * Decodes and validates every input into admission commands on the admission log; a record that
   * cannot be read is counted in {@code telemetry}'s poison records and skipped (a request:
   * rejected or dead-lettered).
   */
  public static Topology intake(AdmissionSettings settings, AdmissionTelemetry telemetry) {
    PoisonRecords poison = telemetry.poison();
    StreamsBuilder builder = new StreamsBuilder();

    Map<String, KStream<String, Intake>> requests =
        builder.stream(settings.topic(Topics.FAULT_REQUESTS), raw("requests-source"))
            .process(() -> new RequestIntake(poison), Named.as("requests-intake"))
            .split(Named.as("requests-"))
            .branch((key, intake) -> intake instanceof DeadLetter, Branched.as("dead-letter"))
            .defaultBranch(Branched.as("valid"));
    requests
        .get("requests-dead-letter")
        .mapValues(intake -> ((DeadLetter) intake).value(), Named.as("dead-letter-value"))
        .to(
            settings.topic(Topics.DEAD_LETTERS),
            Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letters-sink"));

    KStream<String, AdmissionCommand> commands =
        commands(requests.get("requests-valid"), "requests-command");
    for (Source source :
        List.<Source>of(
            new Source(Topics.TENANT_POLICIES, "policies", () -> new PolicyIntake(poison)),
            new Source(Topics.FAULT_CONTROLS, "controls", () -> new ControlIntake(poison)),
            new Source(Topics.FAULT_LIFECYCLE, "lifecycle", () -> new LifecycleIntake(poison)),
            new Source(Topics.EXECUTOR_HEARTBEATS, "heartbeats", () -> new HeartbeatIntake(poison)),
            new Source(Topics.TARGET_CLAIMS, "claims", () -> new ClaimIntake(poison)))) {
      commands =
          commands.merge(
              commands(
                  builder.stream(settings.topic(source.topic()), raw(source.name() + "-source"))
                      .process(source.intake(), Named.as(source.name() + "-intake")),
                  source.name() + "-command"),
              Named.as("merge-" + source.name()));
    }
    commands.to(
        settings.admissionLog(),
        Produced.with(Serdes.String(), new CommandSerde())
            .withStreamPartitioner(new AdmissionLog())
            .withName("admission-log-sink"));
    return builder.build();
  }

  public static Topology admission(AdmissionSettings settings) {
    return admission(settings, AdmissionTelemetry.none());
  }

  /** Decides every command of the admission log, in its one order. */
  public static Topology admission(AdmissionSettings settings, AdmissionTelemetry telemetry) {
    StreamsBuilder builder = new StreamsBuilder();
    for (String store :
        new String[] {
          POLICIES_STORE,
          HALTS_STORE,
          DECISIONS_STORE,
          LEASES_STORE,
          COOLDOWNS_STORE,
          ESCROW_STORE,
          PARKED_STORE
        }) {
      builder.addStateStore(store(store));
    }
    ProcessorSupplier<String, AdmissionCommand, String, Outbound> admission =
        () -> new AdmissionProcessor(settings, telemetry);
    KStream<String, Outbound> decisions =
        builder.stream(
                settings.admissionLog(),
                Consumed.with(Serdes.String(), new CommandSerde()).withName("admission-log-source"))
            .process(
                admission,
                Named.as("admission"),
                POLICIES_STORE,
                HALTS_STORE,
                DECISIONS_STORE,
                LEASES_STORE,
                COOLDOWNS_STORE,
                ESCROW_STORE,
                PARKED_STORE);

    decisions
        .split(Named.as("decisions-"))
        .branch(
            (key, out) -> out.topic().equals(Topics.FAULT_APPROVALS.name()),
            Branched.withConsumer(
                approvals ->
                    approvals
                        .mapValues(Outbound::value, Named.as("approvals-value"))
                        .to(
                            settings.topic(Topics.FAULT_APPROVALS),
                            Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName("approvals-sink")),
                "approvals"))
        .branch(
            (key, out) -> out.command() != null,
            Branched.withConsumer(
                escrow ->
                    escrow
                        .mapValues(Outbound::command, Named.as("escrow-command"))
                        .to(
                            settings.admissionLog(),
                            Produced.with(Serdes.String(), new CommandSerde())
                                .withStreamPartitioner(new AdmissionLog())
                                .withName("escrow-sink")),
                "escrow"))
        .branch(
            (key, out) -> out.topic().equals(Topics.DEAD_LETTERS.name()),
            Branched.withConsumer(
                refused ->
                    refused
                        .mapValues(Outbound::value, Named.as("refused-value"))
                        .to(
                            settings.topic(Topics.DEAD_LETTERS),
                            Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName("refused-sink")),
                "refused"))
        .branch(
            (key, out) -> out.topic().equals(Topics.TARGET_GRANTS.name()),
            Branched.withConsumer(
                grants ->
                    grants
                        .mapValues(Outbound::value, Named.as("grants-value"))
                        .to(
                            settings.topic(Topics.TARGET_GRANTS),
                            Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName("grants-sink")),
                "grants"))
        .defaultBranch(
            Branched.withConsumer(
                lifecycle ->
                    lifecycle
                        .mapValues(Outbound::value, Named.as("lifecycle-value"))
                        .to(
                            settings.topic(Topics.FAULT_LIFECYCLE),
                            Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName("lifecycle-sink")),
                "lifecycle"));
    return builder.build();
  }

  /** An input of intake besides the requests: its topic, node names' prefix and decoder. */
  private record Source(
      Topic<?> topic, String name, ProcessorSupplier<String, byte[], String, Intake> intake) {}

  private static Consumed<String, byte[]> raw(String name) {
    return Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name);
  }

  private static KStream<String, AdmissionCommand> commands(
      KStream<String, Intake> intake, String name) {
    return intake.mapValues(value -> (AdmissionCommand) value, Named.as(name));
  }

  private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
    return Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
  }
}
