package io.faultline.scheduler.subscriptions;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Copies each registered tenant's lifecycle events and run events, unchanged (key, headers, value,
 * order per source topic), from the shared lifecycle and run-events topics to the tenant's own
 * topic ({@link Topics#tenantLifecycle}); a subscriber tells them apart by their CloudEvents type
 * ({@code ce_type}: {@code io.faultline.fault.*} or {@code io.faultline.run.v1}). Registered means
 * the tenant has a policy: events of unknown tenants (requests rejected as {@code UNKNOWN_TENANT})
 * are not copied, so no publisher can make the platform create topics. An event that does not read
 * as an event of its topic's family for the tenant its key names is counted as poison and not
 * copied.
 */
final class FanOutTopology {
  static final String POLICIES_SOURCE = "fanout-policies-source";
  static final String REGISTERED_TENANTS = "fanout-registered-tenants";
  static final String REGISTRATION = "fanout-registration";
  static final String LIFECYCLE_SOURCE = "fanout-lifecycle-source";
  static final String ROUTE = "fanout-route";
  static final String RUN_EVENTS_SOURCE = "fanout-run-events-source";
  static final String RUN_EVENTS_ROUTE = "fanout-run-events-route";
  static final String TENANT_SINK = "fanout-tenant-sink";

  private FanOutTopology() {}

  /**
   * @param ensureTopic creates a tenant's topic if it is missing (throws when it cannot)
   */
  static Topology build(Consumer<TenantId> ensureTopic, PoisonRecords poison) {
    Topology topology = new Topology();
    // Registered tenants: the compacted policies topic, keyed by tenant, in a global store.
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(REGISTERED_TENANTS),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        POLICIES_SOURCE,
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        Topics.TENANT_POLICIES.name(),
        REGISTRATION,
        Registration::new);
    topology.addSource(
        LIFECYCLE_SOURCE,
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        Topics.FAULT_LIFECYCLE.name());
    topology.addProcessor(
        ROUTE, () -> new Route(Topics.FAULT_LIFECYCLE, ensureTopic, poison), LIFECYCLE_SOURCE);
    topology.addSource(
        RUN_EVENTS_SOURCE,
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        Topics.RUN_EVENTS.name());
    topology.addProcessor(
        RUN_EVENTS_ROUTE,
        () -> new Route(Topics.RUN_EVENTS, ensureTopic, poison),
        RUN_EVENTS_SOURCE);
    // One channel per tenant: run events beside its lifecycle events, told apart by ce_type.
    topology.addSink(
        TENANT_SINK,
        (key, value, context) -> Topics.tenantLifecycle(TenantId.of(key)).name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        ROUTE,
        RUN_EVENTS_ROUTE);
    return topology;
  }

  /** Keeps the set of tenants with a policy (a tombstone removes one). */
  private static final class Registration implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<String, byte[]> registered;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      registered = context.getStateStore(REGISTERED_TENANTS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        registered.delete(record.key());
      } else {
        registered.put(record.key(), new byte[0]);
      }
    }
  }

  private static final class Route implements Processor<String, byte[], String, byte[]> {
    private final Topic<?> source;
    private final Consumer<TenantId> ensureTopic;
    private final PoisonRecords poison;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> registered;

    Route(Topic<?> source, Consumer<TenantId> ensureTopic, PoisonRecords poison) {
      this.source = source;
      this.ensureTopic = ensureTopic;
      this.poison = poison;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      registered = context.getStateStore(REGISTERED_TENANTS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      TenantId tenant;
      try {
        tenant = TenantId.of(record.key());
        // Key, envelope and data must agree: a tenant's topic never receives another's event.
        EventCodec.standard().decode(source, record.key(), record.headers(), record.value());
      } catch (RuntimeException e) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        poison.skipped(where.topic(), where.partition(), where.offset(), e);
        return;
      }
      if (registered.get(tenant.value()) == null) {
        return;
      }
      ensureTopic.accept(tenant);
      context.forward(record);
    }
  }
}
