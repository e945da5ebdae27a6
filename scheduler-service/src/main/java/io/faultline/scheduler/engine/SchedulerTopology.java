package io.faultline.scheduler.engine;

import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's topology: commands, lifecycle events and run events (all keyed by tenant id,
 * co-partitioned) into one processor that owns every store of its tenants, writing fault requests,
 * policies, controls, run watches and verdicts.
 */
public final class SchedulerTopology {
  private SchedulerTopology() {}

  static final String COMMANDS_SOURCE = "commands-source";
  static final String LIFECYCLE_SOURCE = "lifecycle-source";
  static final String RUN_EVENTS_SOURCE = "run-events-source";
  static final String ENGINE = "engine";
  static final String REQUESTS_SINK = "fault-requests-sink";
  static final String POLICIES_SINK = "tenant-policies-sink";
  static final String CONTROLS_SINK = "fault-controls-sink";
  static final String WATCHES_SINK = "run-watches-sink";
  static final String RUN_EVENTS_SINK = "run-events-sink";

  public static Topology build(Clock clock, EngineSettings settings) {
    return build(clock, settings, PublishTelemetry.none());
  }

  static Topology build(Clock clock, EngineSettings settings, PublishTelemetry telemetry) {
    return build(
        clock,
        settings,
        telemetry,
        new PoisonRecords(EngineProcessor.SCHEDULER, new SimpleMeterRegistry()));
  }

  static Topology build(
      Clock clock, EngineSettings settings, PublishTelemetry telemetry, PoisonRecords poison) {
    return build(clock, settings, telemetry, poison, null);
  }

  /**
   * @param signer signs every fault request the engine publishes; null: published unsigned
   */
  static Topology build(
      Clock clock,
      EngineSettings settings,
      PublishTelemetry telemetry,
      PoisonRecords poison,
      RequestSigner signer) {
    Topology topology = new Topology();
    topology.addSource(
        COMMANDS_SOURCE,
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        settings.commandsTopic());
    topology.addSource(
        LIFECYCLE_SOURCE,
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        Topics.FAULT_LIFECYCLE.name());
    // Keyed by tenant id with as many partitions as the lifecycle topic: co-partitioned too.
    topology.addSource(
        RUN_EVENTS_SOURCE,
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        Topics.RUN_EVENTS.name());
    topology.addProcessor(
        ENGINE,
        () -> new EngineProcessor(clock, settings, telemetry, poison, signer),
        COMMANDS_SOURCE,
        LIFECYCLE_SOURCE,
        RUN_EVENTS_SOURCE);
    for (String store : StoreNames.all()) {
      KeyValueBytesStoreSupplier supplier =
          settings.inMemoryStores()
              ? Stores.inMemoryKeyValueStore(store)
              : Stores.persistentKeyValueStore(store);
      topology.addStateStore(
          Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray()), ENGINE);
    }
    topology.addSink(
        REQUESTS_SINK,
        Topics.FAULT_REQUESTS.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        ENGINE);
    topology.addSink(
        POLICIES_SINK,
        Topics.TENANT_POLICIES.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        ENGINE);
    topology.addSink(
        CONTROLS_SINK,
        Topics.FAULT_CONTROLS.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        ENGINE);
    topology.addSink(
        WATCHES_SINK,
        Topics.RUN_WATCHES.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        ENGINE);
    topology.addSink(
        RUN_EVENTS_SINK,
        Topics.RUN_EVENTS.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        ENGINE);
    return topology;
  }
}
