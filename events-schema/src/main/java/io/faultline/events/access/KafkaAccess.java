package io.faultline.events.access;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;

import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ACL inventory: what each Faultline service and each publishing platform may do on a secured
 * cluster, and nothing more. {@code deploy/kafka/} holds the same inventory as a {@code
 * kafka-acls.sh} script and Strimzi {@code KafkaUser} resources; a test keeps them equal, and
 * another keeps the writers here equal to the topic catalogue's.
 *
 * <p>The lifecycle topic is for the platform's own principals: a publisher can write requests and
 * nothing else, and reads no topic; a tenant's subscriber reads only that tenant's topics ({@link
 * #subscriber}).
 */
public final class KafkaAccess {
  private KafkaAccess() {}

  public static final String POLICY = "policy-service";
  public static final String EXECUTOR = "executor-service";
  public static final String SCHEDULER = "scheduler-service";
  public static final String PUBLISHER = "publisher";
  public static final String SUBSCRIBER = "subscriber";

  /** The admission log the policy service creates and purges (see policy-service README). */
  public static final String ADMISSION_LOG = "faultline.policy-admission-log.v1";

  /**
   * The names a deployment chooses, each a service setting.
   *
   * @param policyApplicationId {@code faultline.policy.application-id}: the prefix of its two
   *     Streams applications' groups, internal topics and transactional ids
   * @param executorGroupId {@code faultline.executor.group-id}
   * @param executorTransactionalIdPrefix every executor's ledger uses this prefix + its id
   * @param schedulerApplicationId {@code faultline.scheduler.application-id}
   * @param executorProbesGroupId {@code faultline.executor.probes.group-id}: the group reading run
   *     watches (ADR 0010)
   */
  public record Names(
      String policyApplicationId,
      String executorGroupId,
      String executorTransactionalIdPrefix,
      String schedulerApplicationId,
      String executorProbesGroupId) {
    public static final String DEFAULT_PROBES_GROUP_ID = "faultline-probes";

    public Names {
      Objects.requireNonNull(policyApplicationId, "policyApplicationId");
      Objects.requireNonNull(executorGroupId, "executorGroupId");
      Objects.requireNonNull(executorTransactionalIdPrefix, "executorTransactionalIdPrefix");
      Objects.requireNonNull(schedulerApplicationId, "schedulerApplicationId");
      Objects.requireNonNull(executorProbesGroupId, "executorProbesGroupId");
    }

    /** Names with the default probes group (as before ADR 0010). */
    public Names(
        String policyApplicationId,
        String executorGroupId,
        String executorTransactionalIdPrefix,
        String schedulerApplicationId) {
      this(
          policyApplicationId,
          executorGroupId,
          executorTransactionalIdPrefix,
          schedulerApplicationId,
          DEFAULT_PROBES_GROUP_ID);
    }

    /** The services' defaults. */
    public static Names defaults() {
      return new Names(
          "faultline-policy",
          "faultline-executor",
          "faultline-executor-",
          "faultline-scheduler",
          DEFAULT_PROBES_GROUP_ID);
    }
  }

  /** Every role, services first, then the publisher. */
  public static List<KafkaRole> roles(Names names) {
    return List.of(policy(names), executor(names), scheduler(names), publisher());
  }

  public static KafkaRole role(String name, Names names) {
    return roles(names).stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no role " + name));
  }

  private static KafkaRole policy(Names names) {
    List<KafkaGrant> grants = new ArrayList<>();
    read(grants, Topics.FAULT_REQUESTS, Topics.TENANT_POLICIES, Topics.FAULT_CONTROLS);
    read(
        grants,
        Topics.FAULT_LIFECYCLE,
        Topics.EXECUTOR_HEARTBEATS,
        Topics.ACCOUNT_OWNERS,
        Topics.TARGET_CLAIMS);
    write(grants, Topics.FAULT_APPROVALS, Topics.FAULT_LIFECYCLE, Topics.DEAD_LETTERS);
    write(grants, Topics.TARGET_GRANTS);
    // The admission log: created at start if missing, written by intake, read by admission,
    // purged behind admission's committed offset.
    for (var operation : List.of(CREATE, READ, WRITE, DELETE)) {
      grants.add(new KafkaGrant(TOPIC, ADMISSION_LOG, LITERAL, operation));
    }
    streamsApplication(grants, names.policyApplicationId());
    return new KafkaRole(POLICY, "User:faultline-policy", grants);
  }

  private static KafkaRole executor(Names names) {
    List<KafkaGrant> grants = new ArrayList<>();
    // Heartbeats: who drives which running fault (ownership, ADR 0007 §5). Tenant policies: the
    // current protected targets, applied again before each inject batch.
    read(
        grants,
        Topics.FAULT_APPROVALS,
        Topics.FAULT_CONTROLS,
        Topics.EXECUTION_JOURNAL,
        Topics.EXECUTOR_HEARTBEATS,
        Topics.TENANT_POLICIES,
        Topics.RUN_WATCHES,
        Topics.TARGET_GRANTS);
    write(grants, Topics.FAULT_LIFECYCLE, Topics.EXECUTION_JOURNAL, Topics.EXECUTOR_HEARTBEATS);
    // Claims of the instances a tag-selected fault resolved to (issue 16).
    write(grants, Topics.TARGET_CLAIMS);
    // The halts asked for on an executor's own HTTP port, published once the broker is back, and
    // the ABORT_RUN of a breached stop condition (ADR 0010).
    write(grants, Topics.FAULT_CONTROLS);
    // Probe readings, results and breaches of the run watches it evaluates.
    write(grants, Topics.RUN_EVENTS);
    grants.add(new KafkaGrant(GROUP, names.executorGroupId(), LITERAL, READ));
    grants.add(new KafkaGrant(GROUP, names.executorProbesGroupId(), LITERAL, READ));
    grants.add(
        new KafkaGrant(TRANSACTIONAL_ID, names.executorTransactionalIdPrefix(), PREFIXED, WRITE));
    return new KafkaRole(EXECUTOR, "User:faultline-executor", grants);
  }

  private static KafkaRole scheduler(Names names) {
    List<KafkaGrant> grants = new ArrayList<>();
    read(
        grants,
        Topics.SCHEDULER_COMMANDS,
        Topics.FAULT_LIFECYCLE,
        Topics.TENANT_POLICIES,
        Topics.RUN_EVENTS,
        Topics.ACCOUNT_OWNERS);
    write(
        grants,
        Topics.FAULT_REQUESTS,
        Topics.FAULT_CONTROLS,
        Topics.TENANT_POLICIES,
        Topics.SCHEDULER_COMMANDS,
        Topics.RUN_WATCHES,
        Topics.RUN_EVENTS,
        Topics.ACCOUNT_OWNERS);
    streamsApplication(grants, names.schedulerApplicationId());
    // The fan-out creates each registered tenant's lifecycle topic and copies its events there.
    grants.add(new KafkaGrant(TOPIC, Topics.TENANT_TOPIC_PREFIX, PREFIXED, CREATE));
    grants.add(new KafkaGrant(TOPIC, Topics.TENANT_TOPIC_PREFIX, PREFIXED, WRITE));
    return new KafkaRole(SCHEDULER, "User:faultline-scheduler", grants);
  }

  private static KafkaRole publisher() {
    List<KafkaGrant> grants = new ArrayList<>();
    write(grants, Topics.FAULT_REQUESTS);
    return new KafkaRole(PUBLISHER, "User:faultline-publisher", grants);
  }

  // READ and WRITE imply DESCRIBE (topics, groups, transactional ids): no DESCRIBE grants needed.
  /**
   * A platform that follows one tenant's faults with a Kafka client: it reads that tenant's topics
   * ({@link Topics#tenantLifecycle}) in consumer groups named with the same prefix, and nothing
   * else.
   */
  public static KafkaRole subscriber(TenantId tenant) {
    String prefix = Topics.tenantPrefix(tenant);
    return new KafkaRole(
        SUBSCRIBER,
        "User:" + tenant.value() + "-subscriber",
        List.of(
            new KafkaGrant(TOPIC, prefix, PREFIXED, READ),
            new KafkaGrant(GROUP, prefix, PREFIXED, READ)));
  }

  private static void read(List<KafkaGrant> grants, Topic<?>... topics) {
    for (Topic<?> topic : topics) {
      grants.add(new KafkaGrant(TOPIC, topic.name(), LITERAL, READ));
    }
  }

  private static void write(List<KafkaGrant> grants, Topic<?>... topics) {
    for (Topic<?> topic : topics) {
      grants.add(new KafkaGrant(TOPIC, topic.name(), LITERAL, WRITE));
    }
  }

  /**
   * An exactly-once Kafka Streams application: its consumer groups, internal topics (changelogs,
   * repartition topics) and transactional ids all start with its application id.
   */
  private static void streamsApplication(List<KafkaGrant> grants, String applicationId) {
    grants.add(new KafkaGrant(GROUP, applicationId, PREFIXED, READ));
    grants.add(new KafkaGrant(TOPIC, applicationId, PREFIXED, ALL));
    grants.add(new KafkaGrant(TRANSACTIONAL_ID, applicationId, PREFIXED, WRITE));
  }
}
