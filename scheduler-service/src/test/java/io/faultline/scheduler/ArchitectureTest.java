package io.faultline.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "io.faultline.scheduler",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule neverDependsOnAnotherService =
      noClasses()
          .that()
          .resideInAPackage("io.faultline.scheduler..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.faultline.policy..", "io.faultline.executor..");

  @ArchTest
  static final ArchRule featurePackagesHaveNoCycles =
      slices()
          .matching("io.faultline.scheduler.(*)..")
          .should()
          .beFreeOfCycles()
          .allowEmptyShould(true);
}
