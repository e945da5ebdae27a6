package io.faultline.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.faultline.testsupport.ArchitectureRules;

@AnalyzeClasses(packages = "io.faultline.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule knowsNoService = ArchitectureRules.knowsNoOtherService("io.faultline.cli");

  @ArchTest
  static final ArchRule noCycles =
      ArchitectureRules.featurePackagesHaveNoCycles("io.faultline.cli");

  /** Only publish talks to Kafka; every other command goes through the scheduler's API. */
  @ArchTest
  static final ArchRule onlyPublishUsesKafka =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.faultline.cli.publish..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.kafka..");
}
