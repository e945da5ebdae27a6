package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.ecsAgentStop;
import static io.faultline.policy.PolicyExamples.httpResetByTag;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.Concurrency;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TagRule;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.Windows;
import io.faultline.events.request.FaultRequested;
import io.faultline.policy.PolicyExamples;
import io.faultline.policy.rules.RequestedTargets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random policies and random sequences of requests, duplicates, terminal events, executor
 * heartbeats (naming some running faults and leaving others out, as a paused executor would) and
 * passing time, run through the real topology: no approval names a protected target or another
 * tenant's account, no limit is ever exceeded, every fault id gets exactly one decision, and a
 * lease expires only once the heartbeat clock has passed its start deadline or its last heartbeat
 * by the grace (ADR 0007), never by the policy's own clock.
 */
class AdmissionPropertiesTest {
  static final int TENANTS = 3;
  static final String[] ACCOUNTS = {
    "100000000000", "100000000001", "200000000000", "200000000001", "300000000000", "300000000001"
  };
  static final String[] INSTANCES = {
    "i-00000000000000a01", "i-00000000000000a02", "i-00000000000000a03",
    "i-00000000000000a04", "i-00000000000000a05", "i-00000000000000a06"
  };
  static final String[] CLUSTERS = {"web", "batch", "payments-prod"};
  static final String[] SELECTORS = {"app:web", "chaos:protected:true", "tier:db"};
  static final String[] TYPES = {"ec2-process-kill", "ecs-agent-stop", "ec2-http-reset-peer"};

  record PolicySpec(
      int maxActive,
      int maxPerAccount,
      int protectedInstances,
      int protectedClusters,
      boolean protectTier,
      boolean dryRunOnly,
      int cooldownSeconds,
      int faultTypes) {}

  record Action(int kind, int a, int b, int c) {}

  @Provide
  Arbitrary<List<PolicySpec>> policies() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 3),
            // protect at most three of the six instances so approvals stay frequent
            Arbitraries.integers().between(0, 7),
            Arbitraries.of(0, 1, 4, 5),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(0, 30),
            Arbitraries.of(7, 7, 7, 1, 3, 5, 6))
        .as(PolicySpec::new)
        .list()
        .ofSize(TENANTS);
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 9),
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 99))
        .as(Action::new)
        .list()
        .ofMinSize(10)
        .ofMaxSize(60);
  }

  static String tenant(int i) {
    return "prop-tenant-" + i;
  }

  static TenantPolicy policy(int tenant, PolicySpec spec) {
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < INSTANCES.length; i++) {
      if ((spec.protectedInstances() & (1 << i)) != 0) {
        instances.add(INSTANCES[i]);
      }
    }
    List<String> clusters = new ArrayList<>();
    for (int i = 0; i < CLUSTERS.length; i++) {
      if ((spec.protectedClusters() & (1 << i)) != 0) {
        clusters.add(CLUSTERS[i]);
      }
    }
    List<TagRule> tags = new ArrayList<>(List.of(new TagRule("chaos:protected", List.of("true"))));
    if (spec.protectTier()) {
      tags.add(new TagRule("tier", List.of()));
    }
    List<FaultType> types = new ArrayList<>();
    for (int i = 0; i < TYPES.length; i++) {
      if ((spec.faultTypes() & (1 << i)) != 0) {
        types.add(FaultType.of(TYPES[i]));
      }
    }
    return new TenantPolicy(
            TenantId.of(tenant(tenant)),
            1,
            List.of(
                new RegisteredAccount(
                    AccountId.of(ACCOUNTS[2 * tenant]),
                    PolicyExamples.roleArn(ACCOUNTS[2 * tenant]),
                    "ext-" + tenant,
                    List.of(PolicyExamples.REGION)),
                new RegisteredAccount(
                    AccountId.of(ACCOUNTS[2 * tenant + 1]),
                    PolicyExamples.roleArn(ACCOUNTS[2 * tenant + 1]),
                    "ext-" + tenant,
                    List.of(PolicyExamples.REGION))),
            types,
            new ProtectedTargets(instances, clusters, tags),
            Windows.always(),
            new Bounds(3600, 50, 2),
            new Concurrency(spec.maxActive(), spec.maxPerAccount()),
            spec.cooldownSeconds(),
            spec.dryRunOnly(),
            Instant.EPOCH,
            "prop")
        // Rules tests: these tenants publish unsigned (ADR 0008 tests sign in their own).
        .withSigning(List.of(), false);
  }

  static FaultRequested request(Action action, int index) {
    String tenant = tenant(action.a() % TENANTS);
    String account = ACCOUNTS[action.b() % ACCOUNTS.length];
    String fault = "f-" + index;
    return switch (action.c() % 3) {
      case 0 -> {
        String first = INSTANCES[action.c() % INSTANCES.length];
        String second = INSTANCES[(action.c() / 6) % INSTANCES.length];
        yield first.equals(second) || action.b() % 2 == 0
            ? processKill(tenant, fault, account, first)
            : processKill(tenant, fault, account, first, second);
      }
      case 1 -> ecsAgentStop(tenant, fault, account, CLUSTERS[action.c() % CLUSTERS.length]);
      default ->
          httpResetByTag(
              tenant, fault, account, SELECTORS[action.c() % SELECTORS.length], action.b() % 60);
    };
  }

  @Property(tries = 200)
  void admissionNeverBreaksAPromise(
      @ForAll("policies") List<PolicySpec> specs,
      @ForAll("actions") List<Action> actions,
      @ForAll @IntRange(min = 1, max = 3) int platformMax) {
    Map<String, TenantPolicy> policies = new HashMap<>();
    try (AdmissionDriver driver =
        new AdmissionDriver(
            new AdmissionSettings(platformMax, Duration.ofSeconds(30), Duration.ofSeconds(1))
                .withStartDeadline(Duration.ofSeconds(60)))) {
      for (int t = 0; t < TENANTS; t++) {
        TenantPolicy policy = policy(t, specs.get(t));
        policies.put(policy.tenantId().value(), policy);
        driver.policy(policy);
      }
      Map<String, FaultApproved> active = new HashMap<>();
      Map<String, Instant> lastNamed = new HashMap<>();
      Instant heartbeatClock = null;
      Duration grace = Duration.ofSeconds(30);
      Map<String, Integer> decisions = new HashMap<>();
      Set<String> requested = new LinkedHashSet<>();
      int approvals = 0;
      int expirations = 0;
      List<FaultRequested> sent = new ArrayList<>();
      for (int i = 0; i < actions.size(); i++) {
        Action action = actions.get(i);
        if (action.kind() <= 5) {
          FaultRequested request = request(action, i);
          sent.add(request);
          requested.add(request.faultId().value());
          driver.request(request);
        } else if (action.kind() == 6 && !sent.isEmpty()) {
          driver.request(sent.get(action.a() % sent.size()));
        } else if (action.kind() == 7 && !active.isEmpty()) {
          FaultApproved ended = new ArrayList<>(active.values()).get(action.a() % active.size());
          driver.executor(
              ended.tenantId().value(), ended.faultId().value(), LifecycleStage.COMPLETED, 2);
          active.remove(ended.faultId().value());
        } else if (action.kind() <= 8) {
          driver.advance(Duration.ofSeconds(action.a() * 5L));
        } else {
          // A heartbeat at the driver's time: a healthy executor's names every running fault, a
          // paused one's (another executor's beat) names none or only some. It moves the
          // heartbeat clock for all.
          driver.advance(Duration.ofSeconds(action.a() * 4L));
          heartbeatClock = driver.now();
          Map<String, List<String>> namedByAccount = new HashMap<>();
          for (FaultApproved running : active.values()) {
            boolean named =
                switch (action.c() % 3) {
                  case 0 -> true;
                  case 1 -> false;
                  default -> Math.floorMod(running.faultId().value().hashCode(), 2) == 0;
                };
            if (named) {
              namedByAccount
                  .computeIfAbsent(running.accountId().value(), a -> new ArrayList<>())
                  .add(running.tenantId().value() + "/" + running.faultId().value());
              lastNamed.put(running.faultId().value(), heartbeatClock);
            }
          }
          if (namedByAccount.isEmpty()) {
            driver.heartbeat("ex-prop", heartbeatClock, ACCOUNTS[0]);
          }
          Instant at = heartbeatClock;
          namedByAccount.forEach(
              (account, faults) ->
                  driver.heartbeat("ex-prop", at, account, faults.toArray(new String[0])));
          driver.advance(Duration.ofSeconds(1 + action.a() % 3));
        }
        for (FaultLifecycleEvent event : driver.lifecycle()) {
          if (event.stage() == LifecycleStage.LEASE_EXPIRED) {
            FaultApproved expired = active.get(event.faultId().value());
            assertThat(heartbeatClock).as("no expiry without a heartbeat").isNotNull();
            Instant keptUntil =
                lastNamed.containsKey(event.faultId().value())
                    ? lastNamed.get(event.faultId().value()).plus(grace)
                    : expired.leaseExpiresAt().plus(grace);
            assertThat(heartbeatClock)
                .as("heartbeat clock when %s expired", event.faultId().value())
                .isAfterOrEqualTo(keptUntil);
            expirations++;
            active.remove(event.faultId().value());
          } else {
            decisions.merge(event.faultId().value(), 1, Integer::sum);
          }
        }
        for (FaultApproved approval : driver.approvals()) {
          approvals++;
          checkApproval(approval, policies.get(approval.tenantId().value()));
          active.put(approval.faultId().value(), approval);
          checkLimits(active, policies, platformMax);
        }
      }
      for (String fault : requested) {
        assertThat(decisions.get(fault)).as("decisions of %s", fault).isEqualTo(1);
      }
      assertThat(decisions.keySet()).isEqualTo(requested);
      // Guard the generator: a property over nothing but rejections would prove little.
      Statistics.label("limit")
          .collect(approvals >= platformMax ? "reached the platform limit" : "below it");
      Statistics.label("leases").collect(expirations > 0 ? "some expired" : "none expired");
      Statistics.label("limit")
          .coverage(
              coverage -> coverage.check("reached the platform limit").percentage(p -> p > 20.0));
      Statistics.label("leases")
          .coverage(coverage -> coverage.check("some expired").percentage(p -> p > 5.0));
    }
  }

  private static void checkApproval(FaultApproved approval, TenantPolicy policy) {
    assertThat(policy.account(approval.accountId())).as("account owned").isPresent();
    RequestedTargets targets = RequestedTargets.of(approval.parameters());
    assertThat(targets.instanceIds()).noneMatch(policy.protectedTargets().instanceIds()::contains);
    if (targets.clusterName() != null) {
      assertThat(policy.protectedTargets().clusterNames()).doesNotContain(targets.clusterName());
    }
    if (targets.tagKey() != null) {
      assertThat(policy.protectedTargets().tags())
          .noneMatch(rule -> rule.matches(targets.tagKey(), targets.tagValue()));
    }
    assertThat(approval.guard().instanceIds())
        .containsExactlyElementsOf(policy.protectedTargets().instanceIds());
    assertThat(approval.dryRun()).isEqualTo(policy.dryRunOnly() || approval.dryRun());
    if (policy.dryRunOnly()) {
      assertThat(approval.dryRun()).isTrue();
    }
  }

  private static void checkLimits(
      Map<String, FaultApproved> active, Map<String, TenantPolicy> policies, int platformMax) {
    assertThat(active).hasSizeLessThanOrEqualTo(platformMax);
    Map<String, Integer> perTenant = new HashMap<>();
    Map<String, Integer> perAccount = new HashMap<>();
    // The oracle does not reuse the lease keys under test: instances and clusters are held by one
    // fault at a time. A tag-selected fault holds no instance until its executor claims the ones it
    // resolved (claims: ClaimRuleTest, TargetClaimsTopologyTest).
    Set<String> instances = new java.util.HashSet<>();
    Set<String> clusters = new java.util.HashSet<>();
    for (FaultApproved approval : active.values()) {
      perTenant.merge(approval.tenantId().value(), 1, Integer::sum);
      perAccount.merge(approval.accountId().value(), 1, Integer::sum);
      RequestedTargets targets = RequestedTargets.of(approval.parameters());
      String scope = approval.accountId().value() + "/" + approval.region().value();
      for (String id : targets.instanceIds()) {
        assertThat(instances.add(id)).as("one active fault per instance: %s", id).isTrue();
      }
      if (targets.clusterName() != null) {
        assertThat(clusters.add(scope + "/" + targets.clusterName()))
            .as("one active fault per cluster: %s", targets.clusterName())
            .isTrue();
      }
    }
    perTenant.forEach(
        (tenant, n) ->
            assertThat(n)
                .isLessThanOrEqualTo(policies.get(tenant).concurrency().maxActiveFaults()));
    for (FaultApproved approval : active.values()) {
      assertThat(perAccount.get(approval.accountId().value()))
          .isLessThanOrEqualTo(
              policies.get(approval.tenantId().value()).concurrency().maxActiveFaultsPerAccount());
    }
  }
}
