package io.faultline.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.scheduler.state.StateJson;
import java.util.List;
import java.util.Map;

/**
 * A tenant's resources as the scheduler's API takes them (an experiment, a registered account, a
 * policy), made from the contract's {@link Fixtures} where they carry the same data.
 */
public final class ApiFixtures {
  private ApiFixtures() {}

  /** An experiment killing a checkout worker's process in one account. */
  public static Map<String, Object> processKill(String accountId) {
    return Map.of(
        "name",
        "Kill the checkout worker",
        "faultType",
        "ec2-process-kill",
        "parameters",
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_ID", "i-0abc12345def67890", "FORCE", true),
        "hypothesis",
        "Checkout keeps serving while a worker process dies",
        "targets",
        List.of(Map.of("accountId", accountId, "region", "eu-west-1")));
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /**
   * A random 12-digit account id nobody else registered: an AWS account belongs to one tenant (ADR
   * 0007 §7), so tests sharing one scheduler give each tenant its own accounts.
   */
  public static String freshAccountId() {
    return Long.toString(500_000_000_000L + RANDOM.nextLong(99_999_999_999L));
  }

  /**
   * {@code body} as JSON with every string {@code "<from>"} replaced by {@code "<to>"}: an
   * experiment written for one account, moved to the account a test's tenant registered.
   */
  public static String inAccount(Object body, String from, String to) {
    return new String(StateJson.write(body), java.nio.charset.StandardCharsets.UTF_8)
        .replace("\"" + from + "\"", "\"" + to + "\"");
  }

  /** The registration of {@code accountId}: a role in it, in {@link Fixtures#REGION}. */
  public static Map<String, Object> account(String accountId) {
    return Map.of(
        "roleArn",
        "arn:aws:iam::" + accountId + ":role/faultline-target",
        "regions",
        List.of(Fixtures.REGION.value()));
  }

  /** The registration of {@link Fixtures#ACCOUNT}: its role and region. */
  public static Map<String, Object> account() {
    return Map.of("roleArn", Fixtures.ROLE_ARN, "regions", List.of(Fixtures.REGION.value()));
  }

  /** {@link Fixtures#aPolicy()} without the fields the service manages. */
  public static ObjectNode policyBody() {
    ObjectNode node = (ObjectNode) StateJson.tree(EventCodec.standard().toJson(Fixtures.aPolicy()));
    node.remove(List.of("tenantId", "revision", "accounts", "updatedAt", "updatedBy"));
    return node;
  }
}
