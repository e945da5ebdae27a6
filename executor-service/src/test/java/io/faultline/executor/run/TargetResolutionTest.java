package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.TagRule;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TargetSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TargetResolutionTest {
  /** An in-memory directory (a port this module owns). */
  private static final class Directory implements TargetDirectory {
    final Map<String, Instance> instances = new LinkedHashMap<>();
    final Map<String, List<ClusterMember>> clusters = new LinkedHashMap<>();

    Directory add(String id, String state, Map<String, String> tags) {
      instances.put(id, new Instance(id, state, tags));
      return this;
    }

    @Override
    public List<Instance> instances(List<String> ids) {
      return ids.stream().filter(instances::containsKey).map(instances::get).toList();
    }

    @Override
    public List<Instance> runningInstancesWithTag(String key, String value) {
      return instances.values().stream()
          .filter(i -> i.running() && value.equals(i.tags().get(key)))
          .toList();
    }

    @Override
    public Optional<List<ClusterMember>> clusterMembers(String cluster) {
      return Optional.ofNullable(clusters.get(cluster));
    }

    @Override
    public Set<String> ssmOnline(List<String> instanceIds) {
      return Set.copyOf(instanceIds);
    }

    @Override
    public Map<String, Boolean> agentConnected(String cluster) {
      return Map.of();
    }
  }

  private static Directory fleet(int size) {
    Directory directory = new Directory();
    IntStream.range(0, size)
        .forEach(i -> directory.add(String.format("i-%017x", i), "running", Map.of("app", "web")));
    return directory;
  }

  private static List<String> ids(List<Target> targets) {
    return targets.stream().map(Target::id).toList();
  }

  @Test
  void choosesTheRoundedUpPercentageOfEligibleInstances() {
    var resolved =
        TargetResolution.resolve(
            new TargetSelector.InstanceTag("app", "web", 25),
            fleet(10),
            ProtectedTargetGuard.none(),
            0,
            new Random(1));

    assertThat(resolved.targets()).hasSize(3);
  }

  @Test
  void choosesExactlyOneForZeroPercentAndAllForHundred() {
    assertThat(
            TargetResolution.resolve(
                    new TargetSelector.InstanceTag("app", "web", 0),
                    fleet(7),
                    ProtectedTargetGuard.none(),
                    0,
                    new Random(2))
                .targets())
        .hasSize(1);
    assertThat(
            TargetResolution.resolve(
                    new TargetSelector.InstanceTag("app", "web", 100),
                    fleet(7),
                    ProtectedTargetGuard.none(),
                    0,
                    new Random(2))
                .targets())
        .hasSize(7);
  }

  @Test
  void choosesDifferentInstancesAtRandom() {
    Set<List<String>> seen = new java.util.HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      seen.add(
          ids(
              TargetResolution.resolve(
                      new TargetSelector.InstanceTag("app", "web", 0),
                      fleet(10),
                      ProtectedTargetGuard.none(),
                      0,
                      new Random(seed))
                  .targets()));
    }
    assertThat(seen).hasSizeGreaterThan(1);
  }

  @Test
  void neverChoosesAProtectedInstanceWhateverThePercentage() {
    Directory directory =
        fleet(4)
            .add("i-0feed00000000001", "running", Map.of("app", "web"))
            .add("i-0feed00000000002", "running", Map.of("app", "web", "chaos:protected", "true"));
    ProtectedTargetGuard guard =
        new ProtectedTargetGuard(
            List.of("i-0feed00000000001"),
            List.of(),
            List.of(new TagRule("chaos:protected", List.of("true"))));

    for (int seed = 0; seed < 20; seed++) {
      var resolved =
          TargetResolution.resolve(
              new TargetSelector.InstanceTag("app", "web", 100),
              directory,
              guard,
              0,
              new Random(seed));
      assertThat(ids(resolved.targets()))
          .hasSize(4)
          .doesNotContain("i-0feed00000000001", "i-0feed00000000002");
      assertThat(resolved.outcomes())
          .filteredOn(o -> o.status() == TargetStatus.EXCLUDED_PROTECTED)
          .extracting(TargetOutcome::targetId)
          .containsExactlyInAnyOrder("i-0feed00000000001", "i-0feed00000000002");
    }
  }

  @Test
  void excludesProtectedInstancesNamedByIdAndSkipsMissingOrStoppedOnes() {
    Directory directory =
        new Directory()
            .add("i-00000000000000001", "running", Map.of())
            .add("i-00000000000000002", "stopped", Map.of())
            .add("i-0feed00000000001", "running", Map.of());

    var resolved =
        TargetResolution.resolve(
            new TargetSelector.InstanceIds(
                List.of(
                    "i-00000000000000001",
                    "i-00000000000000002",
                    "i-0feed00000000001",
                    "i-00000000000000404")),
            directory,
            new ProtectedTargetGuard(List.of("i-0feed00000000001"), List.of(), List.of()),
            0,
            new Random(3));

    assertThat(ids(resolved.targets())).containsExactly("i-00000000000000001");
    assertThat(resolved.outcomes())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .contains(
            org.assertj.core.groups.Tuple.tuple("i-00000000000000002", TargetStatus.SKIPPED),
            org.assertj.core.groups.Tuple.tuple("i-00000000000000404", TargetStatus.SKIPPED),
            org.assertj.core.groups.Tuple.tuple(
                "i-0feed00000000001", TargetStatus.EXCLUDED_PROTECTED));
  }

  @Test
  void capsAtMaxTargetsAndReportsTheRest() {
    var resolved =
        TargetResolution.resolve(
            new TargetSelector.InstanceTag("app", "web", 100),
            fleet(8),
            ProtectedTargetGuard.none(),
            5,
            new Random(4));

    assertThat(resolved.targets()).hasSize(5);
    assertThat(resolved.outcomes())
        .filteredOn(o -> o.status() == TargetStatus.SKIPPED)
        .hasSize(3)
        .allSatisfy(o -> assertThat(o.detail()).contains("maxTargets"));
  }

  @Test
  void mapsAnEcsClusterToItsEc2InstancesAndReportsSkippedContainerInstances() {
    Directory directory =
        new Directory()
            .add("i-0000000000000000a", "running", Map.of())
            .add("i-0000000000000000b", "running", Map.of("chaos:protected", "true"));
    List<TargetDirectory.ClusterMember> members = new ArrayList<>();
    members.add(
        new TargetDirectory.ClusterMember("arn:ci/a", "i-0000000000000000a", "ACTIVE", true));
    members.add(
        new TargetDirectory.ClusterMember("arn:ci/b", "i-0000000000000000b", "ACTIVE", true));
    members.add(new TargetDirectory.ClusterMember("arn:ci/ext", null, "ACTIVE", true));
    members.add(
        new TargetDirectory.ClusterMember("arn:ci/gone", "i-0000000000000000c", "INACTIVE", false));
    directory.clusters.put("orders", members);

    var resolved =
        TargetResolution.resolve(
            new TargetSelector.EcsCluster("orders"),
            directory,
            new ProtectedTargetGuard(
                List.of(), List.of(), List.of(new TagRule("chaos:protected", List.of()))),
            0,
            new Random(5));

    assertThat(resolved.targets())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.id()).isEqualTo("i-0000000000000000a");
              assertThat(t.kind()).isEqualTo(Target.ECS_CONTAINER_INSTANCE);
            });
    assertThat(resolved.outcomes())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .contains(
            org.assertj.core.groups.Tuple.tuple("orders", TargetStatus.RESOLVED),
            org.assertj.core.groups.Tuple.tuple(
                "i-0000000000000000b", TargetStatus.EXCLUDED_PROTECTED),
            org.assertj.core.groups.Tuple.tuple("arn:ci/ext", TargetStatus.SKIPPED),
            org.assertj.core.groups.Tuple.tuple("i-0000000000000000c", TargetStatus.SKIPPED));
  }

  @Test
  void excludesAProtectedClusterWithoutLookingItUp() {
    Directory directory = new Directory();

    var resolved =
        TargetResolution.resolve(
            new TargetSelector.EcsCluster("payments-prod"),
            directory,
            new ProtectedTargetGuard(List.of(), List.of("payments-prod"), List.of()),
            0,
            new Random(6));

    assertThat(resolved.targets()).isEmpty();
    assertThat(resolved.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(TargetStatus.EXCLUDED_PROTECTED));
  }

  @Test
  void treatsAMissingClusterAsAPreCheckFailure() {
    assertThatThrownBy(
            () ->
                TargetResolution.resolve(
                    new TargetSelector.EcsCluster("nowhere"),
                    new Directory(),
                    ProtectedTargetGuard.none(),
                    0,
                    new Random(7)))
        .isInstanceOf(TargetResolution.MissingCluster.class);
  }

  @Test
  void selectsContainerInstancesByTheirInstancesTagAndZoneThenThePercentage() {
    Directory directory = new Directory();
    List<TargetDirectory.ClusterMember> members = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String id = String.format("i-%017x", i);
      // 0-3: orders in 1b (eligible); 4-5: orders in 1a; 6-7: billing in 1b.
      directory.instances.put(
          id,
          new TargetDirectory.Instance(
              id,
              "running",
              Map.of("team", i < 6 ? "orders" : "billing"),
              i >= 4 && i < 6 ? "eu-west-1a" : "eu-west-1b"));
      members.add(new TargetDirectory.ClusterMember("arn:ci/" + i, id, "ACTIVE", true));
    }
    directory.clusters.put("orders", members);

    var resolved =
        TargetResolution.resolve(
            new TargetSelector.EcsCluster(
                "orders", new TargetSelector.InstanceTag("team", "orders", 0), "eu-west-1b", 50),
            directory,
            ProtectedTargetGuard.none(),
            0,
            new Random(8));

    assertThat(resolved.targets()).hasSize(2);
    assertThat(ids(resolved.targets()))
        .isSubsetOf(IntStream.range(0, 4).mapToObj(i -> String.format("i-%017x", i)).toList());
    assertThat(resolved.summary())
        .isEqualTo(
            "4 of 8 container instances of orders tagged team=orders in eu-west-1b eligible;"
                + " chose 2 (50%) at random");
  }

  @Test
  void takesEveryMatchingContainerInstanceWhenNoPercentageIsSet() {
    Directory directory = fleet(3);
    List<TargetDirectory.ClusterMember> members = new ArrayList<>();
    directory
        .instances
        .keySet()
        .forEach(
            id ->
                members.add(new TargetDirectory.ClusterMember("arn:ci/" + id, id, "ACTIVE", true)));
    directory.clusters.put("web", members);

    var resolved =
        TargetResolution.resolve(
            new TargetSelector.EcsCluster("web"),
            directory,
            ProtectedTargetGuard.none(),
            0,
            new Random(9));

    assertThat(ids(resolved.targets())).containsExactlyElementsOf(directory.instances.keySet());
    assertThat(resolved.summary()).isEqualTo("3 of 3 container instances of web eligible");
  }
}
