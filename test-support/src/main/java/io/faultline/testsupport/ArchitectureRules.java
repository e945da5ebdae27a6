package io.faultline.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The architecture rules every module states about itself, each made for the module's root package:
 * a module's {@code ArchitectureTest} holds them as {@code @ArchTest} fields next to the rules only
 * it has.
 */
public final class ArchitectureRules {
  /** The root packages of the deployable services. */
  public static final List<String> SERVICES =
      List.of("io.faultline.policy", "io.faultline.executor", "io.faultline.scheduler");

  private ArchitectureRules() {}

  /**
   * Classes under {@code rootPackage} depend on no service's classes but their own (all of them for
   * a module that is not a service): services share only through the event contract.
   */
  public static ArchRule knowsNoOtherService(String rootPackage) {
    return noClasses()
        .that()
        .resideInAPackage(rootPackage + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            SERVICES.stream()
                .filter(service -> !service.equals(rootPackage))
                .map(service -> service + "..")
                .toArray(String[]::new));
  }

  /** The feature packages directly under {@code rootPackage} depend on each other in no cycle. */
  public static ArchRule featurePackagesHaveNoCycles(String rootPackage) {
    return slices()
        .matching(rootPackage + ".(*)..")
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true);
  }
}
