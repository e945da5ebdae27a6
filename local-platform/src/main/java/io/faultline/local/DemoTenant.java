package io.faultline.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.Bounds;
import io.faultline.events.policy.Concurrency;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.policy.Windows;
import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo tenant {@code demo}: moto account {@value #ACCOUNT} with two running instances tagged
 * {@code app=checkout} and one tagged {@code app=payments}, registered through the scheduler's API
 * with a policy that allows every fault of the catalogue any time (no cooldown, so the demo can be
 * repeated).
 */
final class DemoTenant {
  static final String TENANT = "demo";
  static final String ACCOUNT = "123456789012";
  static final String REGION = "eu-west-1";
  static final String TARGET_TAG = "app:checkout";

  private DemoTenant() {}

  /** What was seeded. */
  record Seeded(MotoAccount account, List<String> checkoutInstances, List<String> otherInstances) {}

  /**
   * Creates the instances in moto, registers the account and puts the policy, and waits until the
   * policy service has the policy, so a fault requested right after is decided under it.
   */
  static Seeded seed(URI moto, FaultlineServices services) {
    MotoAccount account = new MotoAccount(moto, ACCOUNT, REGION);
    List<String> checkout =
        account.runInstances(2, Map.of("app", "checkout", "env", "demo", "Name", "checkout"));
    List<String> payments =
        account.runInstances(1, Map.of("app", "payments", "env", "demo", "Name", "payments"));
    SchedulerApi api = SchedulerApi.admin(services.schedulerUri(), TENANT, "faultline-local");
    api.registerAccount(account.accountId(), account.roleArn(), account.region());
    Map<TopicPartition, Long> before = services.policyEnds();
    api.putPolicy(policyDocument(account));
    services.awaitPolicyConsumed(before, TENANT);
    return new Seeded(account, checkout, payments);
  }

  /** The policy as the scheduler's API takes it: without the fields the platform sets. */
  private static ObjectNode policyDocument(MotoAccount account) {
    TenantPolicy policy =
        new TenantPolicy(
            TenantId.of(TENANT),
            1,
            List.of(
                new RegisteredAccount(
                    AccountId.of(account.accountId()),
                    account.roleArn(),
                    "set-by-the-platform",
                    List.of(AwsRegion.of(account.region())))),
            // Every fault of the catalogue, so a fault added to it is in the demo at once.
            FaultCatalogue.standard().types().stream()
                .sorted(Comparator.comparing(FaultType::value))
                .toList(),
            ProtectedTargets.none(),
            Windows.always(),
            new Bounds(600, 100, 10),
            new Concurrency(10, 10),
            0,
            false,
            Instant.now(),
            "faultline-local");
    ObjectNode document = Json.mapper().valueToTree(policy);
    document.remove(
        List.of("tenantId", "revision", "accounts", "updatedAt", "updatedBy", "publisherKeys"));
    return document;
  }
}
