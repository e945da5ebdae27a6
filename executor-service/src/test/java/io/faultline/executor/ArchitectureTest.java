package io.faultline.executor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.faultline.testsupport.ArchitectureRules;

@AnalyzeClasses(
    packages = "io.faultline.executor",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule neverDependsOnAnotherService =
      ArchitectureRules.knowsNoOtherService("io.faultline.executor");

  @ArchTest
  static final ArchRule awsSdkStaysInsideTheAwsPackage =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.faultline.executor.aws..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("software.amazon.awssdk..")
          .because("the AWS SDK is an implementation detail of the aws package");

  @ArchTest
  static final ArchRule faultsDoNotDependOnTheRunnerOrTransports =
      noClasses()
          .that()
          .resideInAPackage("io.faultline.executor.fault..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.faultline.executor.run..",
              "io.faultline.executor.aws..",
              "io.faultline.executor.hostlocal..",
              "io.faultline.executor.intake..");

  @ArchTest
  static final ArchRule featurePackagesHaveNoCycles =
      ArchitectureRules.featurePackagesHaveNoCycles("io.faultline.executor");
}
