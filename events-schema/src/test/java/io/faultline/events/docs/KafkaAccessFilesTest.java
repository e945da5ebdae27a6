package io.faultline.events.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.access.KafkaAccess;
import io.faultline.events.access.KafkaGrant;
import io.faultline.events.access.KafkaRole;
import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * deploy/kafka/ holds the ACL inventory for operators (a kafka-acls.sh script and Strimzi KafkaUser
 * resources); it must equal {@link KafkaAccess}, whose writers must equal the topic catalogue's.
 * Regenerate with {@code ./mvnw -pl events-schema test -Dtest=KafkaAccessFilesTest
 * -Dfaultline.regenerate=true}.
 */
class KafkaAccessFilesTest {
  private static final Path SCRIPT = Path.of("..", "deploy", "kafka", "kafka-acls.sh");
  private static final Path STRIMZI = Path.of("..", "deploy", "kafka", "kafka-users.yaml");

  /** Each role's shell variable holding its principal(s). */
  private static final Map<String, String> PRINCIPAL_VARIABLES =
      Map.of(
          KafkaAccess.POLICY, "POLICY_PRINCIPAL",
          KafkaAccess.EXECUTOR, "EXECUTOR_PRINCIPAL",
          KafkaAccess.SCHEDULER, "SCHEDULER_PRINCIPAL",
          KafkaAccess.PUBLISHER, "PUBLISHER_PRINCIPALS");

  static String script() {
    KafkaAccess.Names variables =
        new KafkaAccess.Names(
            "${POLICY_APPLICATION_ID}",
            "${EXECUTOR_GROUP_ID}",
            "${EXECUTOR_TRANSACTIONAL_ID_PREFIX}",
            "${SCHEDULER_APPLICATION_ID}",
            "${EXECUTOR_PROBES_GROUP_ID}");
    KafkaAccess.Names defaults = KafkaAccess.Names.defaults();
    StringBuilder out = new StringBuilder();
    out.append("#!/usr/bin/env bash\n")
        .append(
            "# Grants Faultline's ACLs with kafka-acls.sh (allow rules only; everything else stays")
        .append(" denied).\n")
        .append(
            "# Generated from io.faultline.events.access.KafkaAccess; KafkaAccessFilesTest keeps")
        .append(" it equal.\n")
        .append("# Usage: BOOTSTRAP=broker:9093 COMMAND_CONFIG=admin.properties")
        .append(" PUBLISHER_PRINCIPALS='User:ci User:gameday' deploy/kafka/kafka-acls.sh\n")
        .append("# Names default to the services' defaults; set them when you changed the")
        .append(" services' settings.\n")
        .append("set -euo pipefail\n")
        .append("BOOTSTRAP=${BOOTSTRAP:-localhost:9092}\n")
        .append("POLICY_PRINCIPAL=${POLICY_PRINCIPAL:-")
        .append(KafkaAccess.role(KafkaAccess.POLICY, defaults).defaultPrincipal())
        .append("}\n")
        .append("EXECUTOR_PRINCIPAL=${EXECUTOR_PRINCIPAL:-")
        .append(KafkaAccess.role(KafkaAccess.EXECUTOR, defaults).defaultPrincipal())
        .append("}\n")
        .append("SCHEDULER_PRINCIPAL=${SCHEDULER_PRINCIPAL:-")
        .append(KafkaAccess.role(KafkaAccess.SCHEDULER, defaults).defaultPrincipal())
        .append("}\n")
        .append("PUBLISHER_PRINCIPALS=${PUBLISHER_PRINCIPALS:-")
        .append(KafkaAccess.role(KafkaAccess.PUBLISHER, defaults).defaultPrincipal())
        .append("}\n")
        .append("POLICY_APPLICATION_ID=${POLICY_APPLICATION_ID:-")
        .append(defaults.policyApplicationId())
        .append("}\n")
        .append("EXECUTOR_GROUP_ID=${EXECUTOR_GROUP_ID:-")
        .append(defaults.executorGroupId())
        .append("}\n")
        .append("EXECUTOR_TRANSACTIONAL_ID_PREFIX=${EXECUTOR_TRANSACTIONAL_ID_PREFIX:-")
        .append(defaults.executorTransactionalIdPrefix())
        .append("}\n")
        .append("SCHEDULER_APPLICATION_ID=${SCHEDULER_APPLICATION_ID:-")
        .append(defaults.schedulerApplicationId())
        .append("}\n")
        .append("EXECUTOR_PROBES_GROUP_ID=${EXECUTOR_PROBES_GROUP_ID:-")
        .append(defaults.executorProbesGroupId())
        .append("}\n")
        .append(
            "# One subscriber per tenant: SUBSCRIBERS='acme=User:acme-dashboards globex=User:sre'\n")
        .append("SUBSCRIBERS=${SUBSCRIBERS:-}\n")
        .append("acl() {\n")
        .append("  local principal=$1\n  shift\n")
        .append("  kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\"")
        .append(" ${COMMAND_CONFIG:+--command-config \"$COMMAND_CONFIG\"}")
        .append(" --add --allow-principal \"$principal\" --allow-host '*' \"$@\"\n")
        .append("}\n");
    for (KafkaRole role : KafkaAccess.roles(variables)) {
      out.append("# ").append(role.name()).append('\n');
      String variable = PRINCIPAL_VARIABLES.get(role.name());
      boolean many = variable.endsWith("S");
      for (KafkaGrant grant : role.grants()) {
        String call = "acl \"$" + (many ? "p" : "{" + variable + "}") + "\" " + options(grant);
        out.append(many ? "for p in $" + variable + "; do " + call + "; done" : call).append('\n');
      }
    }
    out.append("# subscriber (reads only its tenant's topics, in groups with the same prefix)\n")
        .append("for s in $SUBSCRIBERS; do\n")
        .append("  tenant=${s%%=*}\n")
        .append("  principal=${s#*=}\n");
    for (KafkaGrant grant : KafkaAccess.subscriber(PLACEHOLDER_TENANT).grants()) {
      out.append("  acl \"$principal\" ")
          .append(options(grant).replace(placeholderPrefix(), "faultline.tenant.${tenant}."))
          .append('\n');
    }
    out.append("done\n");
    return out.toString();
  }

  // Renders the subscriber's grants for a shell variable in place of a tenant id.
  private static final TenantId PLACEHOLDER_TENANT = TenantId.of("tenant-placeholder");

  private static String placeholderPrefix() {
    return Topics.tenantPrefix(PLACEHOLDER_TENANT);
  }

  private static String options(KafkaGrant grant) {
    String resource =
        switch (grant.resource()) {
          case TOPIC -> "--topic \"" + grant.name() + "\"";
          case GROUP -> "--group \"" + grant.name() + "\"";
          case TRANSACTIONAL_ID -> "--transactional-id \"" + grant.name() + "\"";
          case CLUSTER -> "--cluster";
          default -> throw new IllegalArgumentException("unexpected " + grant.resource());
        };
    String pattern =
        grant.pattern() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "";
    return "--operation " + camel(grant.operation().name()) + " " + resource + pattern;
  }

  static String strimzi() {
    StringBuilder out =
        new StringBuilder(
            "# Generated from io.faultline.events.access.KafkaAccess; KafkaAccessFilesTest keeps it"
                + " equal.\n"
                + "# Strimzi KafkaUser resources for the services' default names, SCRAM-SHA-512;"
                + " copy the publisher for\n"
                + "# each platform that publishes requests.\n");
    List<KafkaRole> roles =
        new java.util.ArrayList<>(KafkaAccess.roles(KafkaAccess.Names.defaults()));
    roles.add(KafkaAccess.subscriber(TenantId.of("acme")));
    for (KafkaRole role : roles) {
      out.append("---\n")
          .append("apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\nmetadata:\n")
          .append("  name: ")
          .append(role.defaultPrincipal().substring("User:".length()))
          .append("\n  labels:\n    strimzi.io/cluster: faultline\n")
          .append("  annotations:\n    faultline.io/role: \"")
          .append(role.name())
          .append("\"\nspec:\n  authentication:\n    type: scram-sha-512\n")
          .append("  authorization:\n    type: simple\n    acls:\n");
      for (KafkaGrant grant : role.grants()) {
        out.append("      - resource:\n          type: ")
            .append(
                switch (grant.resource()) {
                  case TOPIC -> "topic";
                  case GROUP -> "group";
                  case TRANSACTIONAL_ID -> "transactionalId";
                  case CLUSTER -> "cluster";
                  default -> throw new IllegalArgumentException("unexpected " + grant.resource());
                })
            .append('\n');
        if (grant.resource() != ResourceType.CLUSTER) {
          out.append("          name: \"")
              .append(grant.name())
              .append("\"\n          patternType: ")
              .append(grant.pattern() == PatternType.PREFIXED ? "prefix" : "literal")
              .append('\n');
        }
        out.append("        operations: [")
            .append(camel(grant.operation().name()))
            .append("]\n        host: \"*\"\n");
      }
    }
    return out.toString();
  }

  private static String camel(String constant) {
    return java.util.Arrays.stream(constant.split("_"))
        .map(w -> w.charAt(0) + w.substring(1).toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.joining());
  }

  @Test
  void operatorAclFilesEqualTheInventory() throws IOException {
    if (Boolean.getBoolean("faultline.regenerate")) {
      Files.createDirectories(SCRIPT.getParent());
      Files.writeString(SCRIPT, script());
      Files.writeString(STRIMZI, strimzi());
      SCRIPT.toFile().setExecutable(true);
    }
    assertThat(Files.readString(SCRIPT)).isEqualTo(script());
    assertThat(Files.readString(STRIMZI)).isEqualTo(strimzi());
  }

  @Test
  void theRolesThatMayWriteATopicAreTheCataloguesWriters() {
    for (Topic<?> topic : Topics.all()) {
      Set<String> writers =
          topic.writers().stream()
              .map(w -> w.equals("external publishers") ? KafkaAccess.PUBLISHER : w)
              .collect(Collectors.toSet());
      assertThat(rolesAllowed(topic.name(), AclOperation.WRITE))
          .as("roles that may write %s", topic)
          .isEqualTo(writers);
    }
  }

  @Test
  void aPublisherMayWriteRequestsAndNothingElse() {
    KafkaRole publisher = KafkaAccess.role(KafkaAccess.PUBLISHER, KafkaAccess.Names.defaults());
    assertThat(publisher.grants())
        .containsExactly(
            new KafkaGrant(
                ResourceType.TOPIC,
                Topics.FAULT_REQUESTS.name(),
                PatternType.LITERAL,
                AclOperation.WRITE));
  }

  @Test
  void noRoleHoldsAWildcardOrAllOnACatalogueTopic() {
    for (KafkaRole role : KafkaAccess.roles(KafkaAccess.Names.defaults())) {
      for (KafkaGrant grant : role.grants()) {
        assertThat(grant.name()).as("%s grants", role.name()).isNotEqualTo("*").isNotBlank();
        if (grant.operation() == AclOperation.ALL) {
          assertThat(grant.pattern()).isEqualTo(PatternType.PREFIXED);
          assertThat(Topics.all().stream().map(Topic::name))
              .noneMatch(name -> name.startsWith(grant.name()));
        }
      }
    }
  }

  @Test
  void aSubscriberReadsItsTenantsTopicsAndNoOtherTenantsOrTheSharedOnes() {
    KafkaRole acme = KafkaAccess.subscriber(TenantId.of("acme"));
    String own = Topics.tenantLifecycle(TenantId.of("acme")).name();
    String other = Topics.tenantLifecycle(TenantId.of("acme-eu")).name();

    assertThat(acme.grants()).allMatch(g -> g.operation() == AclOperation.READ);
    assertThat(readable(acme, own)).isTrue();
    assertThat(readable(acme, other)).isFalse();
    assertThat(Topics.all()).noneMatch(t -> readable(acme, t.name()));
  }

  private static boolean readable(KafkaRole role, String topic) {
    return role.grants().stream()
        .anyMatch(
            g ->
                g.resource() == ResourceType.TOPIC
                    && g.operation() == AclOperation.READ
                    && (g.pattern() == PatternType.LITERAL
                        ? g.name().equals(topic)
                        : topic.startsWith(g.name())));
  }

  private static Set<String> rolesAllowed(String topic, AclOperation operation) {
    return KafkaAccess.roles(KafkaAccess.Names.defaults()).stream()
        .filter(
            role ->
                role.grants().stream()
                    .anyMatch(
                        g ->
                            g.resource() == ResourceType.TOPIC
                                && g.operation() == operation
                                && (g.pattern() == PatternType.LITERAL
                                    ? g.name().equals(topic)
                                    : topic.startsWith(g.name()))))
        .map(KafkaRole::name)
        .collect(Collectors.toSet());
  }
}
