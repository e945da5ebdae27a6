package io.faultline.events;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.faultline.testsupport.ArchitectureRules;

@AnalyzeClasses(
    packages = "io.faultline.events",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule theContractHasNoSpring =
      noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..");

  @ArchTest
  static final ArchRule theContractKnowsNoService =
      ArchitectureRules.knowsNoOtherService("io.faultline.events");

  @ArchTest
  static final ArchRule theContractHasNoAwsSdk =
      noClasses().should().dependOnClassesThat().resideInAnyPackage("software.amazon..");
}
