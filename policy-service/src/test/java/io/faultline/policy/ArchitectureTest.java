package io.faultline.policy;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.faultline.testsupport.ArchitectureRules;

@AnalyzeClasses(
    packages = "io.faultline.policy",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule neverDependsOnAnotherService =
      ArchitectureRules.knowsNoOtherService("io.faultline.policy");

  @ArchTest
  static final ArchRule featurePackagesHaveNoCycles =
      ArchitectureRules.featurePackagesHaveNoCycles("io.faultline.policy");
}
