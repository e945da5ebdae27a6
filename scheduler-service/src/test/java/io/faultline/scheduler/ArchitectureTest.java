package io.faultline.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.faultline.testsupport.ArchitectureRules;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

@AnalyzeClasses(
    packages = "io.faultline.scheduler",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule neverDependsOnAnotherService =
      ArchitectureRules.knowsNoOtherService("io.faultline.scheduler");

  /** Every Kafka client is built by KafkaClients, from Spring Boot's spring.kafka.* settings. */
  @ArchTest
  static final ArchRule onlyKafkaClientsBuildsKafkaClients =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("io.faultline.scheduler.kafka.KafkaClients")
          .should()
          .callConstructor(KafkaConsumer.class, Map.class, Deserializer.class, Deserializer.class)
          .orShould()
          .callConstructor(KafkaConsumer.class, Map.class)
          .orShould()
          .callConstructor(KafkaConsumer.class, Properties.class)
          .orShould()
          .callConstructor(
              KafkaConsumer.class, Properties.class, Deserializer.class, Deserializer.class)
          .orShould()
          .callConstructor(KafkaProducer.class, Map.class, Serializer.class, Serializer.class)
          .orShould()
          .callConstructor(KafkaProducer.class, Map.class)
          .orShould()
          .callConstructor(KafkaProducer.class, Properties.class)
          .orShould()
          .callConstructor(
              KafkaProducer.class, Properties.class, Serializer.class, Serializer.class)
          .orShould()
          .callConstructor(KafkaStreams.class, Topology.class, Properties.class)
          .orShould()
          .callConstructor(KafkaStreams.class, Topology.class, StreamsConfig.class)
          .orShould()
          .callMethod(Admin.class, "create", Map.class)
          .orShould()
          .callMethod(Admin.class, "create", Properties.class)
          .orShould()
          .callMethod(AdminClient.class, "create", Map.class)
          .orShould()
          .callMethod(AdminClient.class, "create", Properties.class);

  @ArchTest
  static final ArchRule featurePackagesHaveNoCycles =
      ArchitectureRules.featurePackagesHaveNoCycles("io.faultline.scheduler");
}
