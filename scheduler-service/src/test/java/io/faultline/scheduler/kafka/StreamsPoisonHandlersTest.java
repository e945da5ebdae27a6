package io.faultline.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.telemetry.kafka.StreamsPoisonHandlers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The Streams handlers installed by class name find the service's {@link PoisonRecords} in the
 * configuration, count a record that cannot be deserialized or that a processor throws on, and let
 * the next record through.
 */
class StreamsPoisonHandlersTest {
  private final PoisonRecords poison =
      new PoisonRecords("scheduler-service", new SimpleMeterRegistry());

  private TopologyTestDriver driver(Topology topology) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "handlers-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    config.putAll(StreamsPoisonHandlers.settings(poison));
    return new TopologyTestDriver(topology, config);
  }

  @Test
  void countsAndSkipsARecordAProcessorThrowsOn() {
    Topology topology = new Topology();
    topology.addSource(
        "in", new StringDeserializer(), Serdes.String().deserializer(), "faultline.test-in");
    topology.addProcessor(
        "picky",
        () ->
            new Processor<String, String, String, String>() {
              private ProcessorContext<String, String> context;

              @Override
              public void init(ProcessorContext<String, String> context) {
                this.context = context;
              }

              @Override
              public void process(Record<String, String> record) {
                if (record.value().equals("poison")) {
                  throw new IllegalStateException("cannot read " + record.value());
                }
                context.forward(record);
              }
            },
        "in");
    topology.addSink(
        "out", "faultline.test-out", new StringSerializer(), new StringSerializer(), "picky");
    try (TopologyTestDriver driver = driver(topology)) {
      TestInputTopic<String, String> in =
          driver.createInputTopic(
              "faultline.test-in", new StringSerializer(), new StringSerializer());
      TestOutputTopic<String, String> out =
          driver.createOutputTopic(
              "faultline.test-out", new StringDeserializer(), new StringDeserializer());
      in.pipeInput("t", "poison");
      in.pipeInput("t", "fine");
      assertThat(out.readValuesToList()).containsExactly("fine");
      assertThat(poison.count("faultline.test-in")).isEqualTo(1);
    }
  }

  @Test
  void countsAndSkipsARecordThatCannotBeDeserialized() {
    Topology topology = new Topology();
    topology.addSource(
        "in", new StringDeserializer(), new IntegerDeserializer(), "faultline.test-in");
    topology.addSink(
        "out", "faultline.test-out", new StringSerializer(), Serdes.Integer().serializer(), "in");
    try (TopologyTestDriver driver = driver(topology)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic(
              "faultline.test-in", new StringSerializer(), Serdes.ByteArray().serializer());
      TestOutputTopic<String, Integer> out =
          driver.createOutputTopic(
              "faultline.test-out", new StringDeserializer(), Serdes.Integer().deserializer());
      in.pipeInput("t", new byte[] {1, 2, 3});
      in.pipeInput("t", new byte[] {0, 0, 0, 42});
      assertThat(out.readValuesToList()).containsExactly(42);
      assertThat(poison.count("faultline.test-in")).isEqualTo(1);
    }
  }
}
