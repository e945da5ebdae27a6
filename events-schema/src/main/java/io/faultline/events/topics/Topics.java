package io.faultline.events.topics;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.owners.AccountOwnerClaim;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.request.FaultRequested;
import java.time.Duration;
import java.util.List;

/**
 * The topic catalogue: every topic Faultline uses. {@code deploy/topics/} holds the same
 * definitions for operators; a test keeps the two equal.
 */
public final class Topics {
  private Topics() {}

  private static final int KIB = 1024;

  /**
   * Fault requests from other platforms and the scheduler, keyed by tenant id so each tenant's
   * requests are decided in order. Many writers by nature; the policy service is the one reader.
   */
  public static final Topic<FaultRequested> FAULT_REQUESTS =
      new Topic<>(
          "faultline.fault-requests.v1",
          FaultRequested.class,
          "tenant id",
          r -> r.tenantId().value(),
          12,
          CleanupPolicy.DELETE,
          Duration.ofDays(7),
          List.of("external publishers", "scheduler-service"),
          EventFamily.FAULT_REQUESTED,
          64 * KIB,
          "Fault requests; read by policy-service.");

  /**
   * Approved faults, keyed by fault key ({@code <tenant id>/<fault id>}, ADR 0007) so one tenant's
   * thousands of faults spread over every executor and no two tenants' faults share a key.
   * Co-partitioned with the execution journal (same partition count).
   */
  public static final Topic<FaultApproved> FAULT_APPROVALS =
      new Topic<>(
          "faultline.fault-approvals.v1",
          FaultApproved.class,
          "fault key (tenant id/fault id)",
          a -> new FaultKey(a.tenantId(), a.faultId()).value(),
          24,
          CleanupPolicy.DELETE,
          Duration.ofDays(7),
          List.of("policy-service"),
          EventFamily.FAULT_APPROVED,
          1024 * KIB,
          "Approvals to execute; read by executor-service (one consumer group).");

  /**
   * Every state change of every fault, keyed by tenant id: the one stream subscribers read. The
   * policy service writes decisions (and lease expiries), the executor everything after; each event
   * names its producer in its CloudEvents source.
   */
  public static final Topic<FaultLifecycleEvent> FAULT_LIFECYCLE =
      new Topic<>(
          "faultline.fault-lifecycle.v1",
          FaultLifecycleEvent.class,
          "tenant id",
          e -> e.tenantId().value(),
          12,
          CleanupPolicy.DELETE,
          Duration.ofDays(30),
          List.of("policy-service", "executor-service"),
          EventFamily.FAULT_LIFECYCLE,
          1024 * KIB,
          "Fault lifecycle; read by subscribers, policy-service (lease release) and"
              + " scheduler-service (timelines).");

  /**
   * Aborts, halts and resumes, compacted by scope; read in full by every executor. The scheduler
   * writes every kind; an executor writes only the halts it was asked for on its own HTTP port (the
   * halt that works while Kafka does not), once the broker accepts them.
   */
  public static final Topic<FaultControl> FAULT_CONTROLS =
      new Topic<>(
          "faultline.fault-controls.v1",
          FaultControl.class,
          "scope (platform, tenant/<id>, fault/<tenant>/<id>, run/<tenant>/<id>)",
          FaultControl::key,
          6,
          CleanupPolicy.COMPACT,
          null,
          List.of("scheduler-service", "executor-service"),
          EventFamily.FAULT_CONTROL,
          64 * KIB,
          "Controls; read by policy-service (halt state) and every executor (broadcast).");

  /** Tenant policies, one per tenant, compacted; a tombstone removes a tenant. */
  public static final Topic<TenantPolicy> TENANT_POLICIES =
      new Topic<>(
          "faultline.tenant-policies.v1",
          TenantPolicy.class,
          "tenant id",
          p -> p.tenantId().value(),
          6,
          CleanupPolicy.COMPACT,
          null,
          List.of("scheduler-service"),
          EventFamily.TENANT_POLICY,
          1024 * KIB,
          "Tenant policies; read by policy-service and every executor (protected targets).");

  /** Requests that could not be read as events at all, with the error in headers. */
  public static final Topic<byte[]> DEAD_LETTERS =
      new Topic<>(
          "faultline.fault-requests.dlq.v1",
          byte[].class,
          "as received",
          v -> null,
          3,
          CleanupPolicy.DELETE,
          Duration.ofDays(30),
          List.of("policy-service"),
          null,
          1024 * KIB,
          "Poison requests with faultline.error.* headers; for operators.");

  /**
   * The executor's journal of intent, keyed by fault id, compacted; co-partitioned with approvals
   * so the executor that takes over an approvals partition finds that partition's in-flight faults.
   */
  /**
   * Executor heartbeats (ADR 0007): one record per executor per interval listing the faults it
   * runs, keyed by executor id, stamped by the broker (leases are judged by append time). Read by
   * the policy service, which keeps a running fault's lease while heartbeats name it.
   */
  public static final Topic<ExecutorHeartbeat> EXECUTOR_HEARTBEATS =
      new Topic<>(
          "faultline.executor-heartbeats.v1",
          ExecutorHeartbeat.class,
          "executor id",
          ExecutorHeartbeat::executorId,
          12,
          CleanupPolicy.DELETE,
          Duration.ofHours(1),
          List.of("executor-service"),
          EventFamily.EXECUTOR_HEARTBEAT,
          1024 * KIB,
          "Platform-internal: the faults each executor runs; read by policy-service (leases).");

  public static final Topic<byte[]> EXECUTION_JOURNAL =
      new Topic<>(
          "faultline.execution-journal.v1",
          byte[].class,
          "fault key (tenant id/fault id)",
          v -> null,
          24,
          CleanupPolicy.COMPACT,
          null,
          List.of("executor-service"),
          null,
          1024 * KIB,
          "Executor-internal: the state of every in-flight fault, for crash recovery.");

  /**
   * Every change to scheduler state (experiments, schedules, runs), keyed by tenant id and
   * co-partitioned with the lifecycle topic so one Streams task owns a tenant's state and its
   * lifecycle events. State itself lives in the Streams stores' compacted changelogs.
   */
  public static final Topic<byte[]> SCHEDULER_COMMANDS =
      new Topic<>(
          "faultline.scheduler-commands.v1",
          byte[].class,
          "tenant id",
          v -> null,
          12,
          CleanupPolicy.DELETE,
          Duration.ofDays(7),
          List.of("scheduler-service"),
          null,
          1024 * KIB,
          "Scheduler-internal: commands that change experiments, schedules and runs.");

  /**
   * Run watches (ADR 0010): what the executors watch for each running run, keyed by run key ({@code
   * <tenant id>/<run id>}, so a tenant's runs spread and one run stays on one partition),
   * compacted. The scheduler writes one on every phase change and tombstones it when the run ends;
   * executors read it in the consumer group {@code faultline-probes}.
   */
  public static final Topic<RunWatch> RUN_WATCHES =
      new Topic<>(
          "faultline.run-watches.v1",
          RunWatch.class,
          "run key (tenant id/run id)",
          RunWatch::key,
          24,
          CleanupPolicy.COMPACT,
          null,
          List.of("scheduler-service"),
          EventFamily.RUN_WATCH,
          256 * KIB,
          "Run watches; read by executor-service (group faultline-probes).");

  /**
   * Run events (ADR 0010): probe readings, steady-state, bake and final results, stop-condition
   * breaches (executor-service) and verdicts (scheduler-service), keyed by tenant id like lifecycle
   * events so each tenant's events stay in order.
   */
  public static final Topic<RunEvent> RUN_EVENTS =
      new Topic<>(
          "faultline.run-events.v1",
          RunEvent.class,
          "tenant id",
          e -> e.tenantId().value(),
          12,
          CleanupPolicy.DELETE,
          Duration.ofDays(30),
          List.of("executor-service", "scheduler-service"),
          EventFamily.RUN_EVENT,
          64 * KIB,
          "Run events: readings, results, breaches, verdicts; read by scheduler-service and"
              + " subscribers.");

  /**
   * The account-owner index (ADR 0007 §7): an AWS account belongs to exactly one tenant. Compacted;
   * each record is one tenant's claim on one account, keyed {@code <account id>/<tenant id>} and
   * written to the account id's partition ({@link AccountOwnerClaim#partition}), so an account's
   * claims keep one order; a tombstone withdraws a claim. The earliest live claim owns the account
   * ({@link io.faultline.events.owners.AccountOwners}). Written by the scheduler's account
   * registration only; read by the scheduler and the policy service.
   */
  public static final Topic<AccountOwnerClaim> ACCOUNT_OWNERS =
      new Topic<>(
          "faultline.account-owners.v1",
          AccountOwnerClaim.class,
          "claim key (account id/tenant id), partition by account id",
          AccountOwnerClaim::key,
          6,
          CleanupPolicy.COMPACT,
          null,
          List.of("scheduler-service"),
          EventFamily.ACCOUNT_OWNER,
          16 * KIB,
          "Platform-internal: which tenant owns each AWS account; read by scheduler-service and"
              + " policy-service.");

  /**
   * Target claims (issue 16): the instances a tag-selected fault resolved to, claimed by its
   * executor from the tenant's admission. Keyed by tenant id, with as many partitions as the
   * requests topic, so a claim meets its tenant's admission like a request. Written by executors,
   * read by the policy service. A claim is answered within seconds: an hour keeps it.
   */
  public static final Topic<TargetsClaimed> TARGET_CLAIMS =
      new Topic<>(
          "faultline.target-claims.v1",
          TargetsClaimed.class,
          "tenant id",
          c -> c.tenantId().value(),
          12,
          CleanupPolicy.DELETE,
          Duration.ofHours(1),
          List.of("executor-service"),
          EventFamily.TARGETS_CLAIMED,
          1024 * KIB,
          "Platform-internal: target claims of tag-selected faults; read by policy-service.");

  /**
   * Admission's answers to target claims, keyed by fault key. Read whole by every executor (all
   * partitions, no consumer group), so the answer reaches the executor waiting for it wherever the
   * fault's approvals partition has moved and however full its approvals intake is. Written by the
   * policy service.
   */
  public static final Topic<TargetsGranted> TARGET_GRANTS =
      new Topic<>(
          "faultline.target-grants.v1",
          TargetsGranted.class,
          "fault key (tenant id/fault id)",
          g -> g.key().value(),
          12,
          CleanupPolicy.DELETE,
          Duration.ofHours(1),
          List.of("policy-service"),
          EventFamily.TARGETS_GRANTED,
          1024 * KIB,
          "Platform-internal: answers to target claims; read by every executor.");

  /** Every per-tenant lifecycle topic's name starts with this (prefixed ACLs match it). */
  public static final String TENANT_TOPIC_PREFIX = "faultline.tenant.";

  /**
   * The prefix of one tenant's topics and of its subscribers' consumer groups: {@code
   * faultline.tenant.<tenant id>.}. A tenant's subscribers are granted read on this prefix only.
   */
  public static String tenantPrefix(TenantId tenant) {
    return TENANT_TOPIC_PREFIX + tenant.value() + ".";
  }

  /**
   * One tenant's lifecycle events: a copy of its events on {@link #FAULT_LIFECYCLE}, same key,
   * headers and value, in the same order, for subscribers with Kafka clients (the shared topic is
   * for the platform's own principals). One partition (per-tenant order); written by the
   * scheduler's fan-out, created when the tenant's first event is copied. Not in {@link #all()}:
   * one per registered tenant.
   */
  public static Topic<FaultLifecycleEvent> tenantLifecycle(TenantId tenant) {
    return new Topic<>(
        tenantPrefix(tenant) + "lifecycle.v1",
        FaultLifecycleEvent.class,
        "tenant id",
        e -> e.tenantId().value(),
        1,
        CleanupPolicy.DELETE,
        FAULT_LIFECYCLE.retention(),
        List.of("scheduler-service"),
        EventFamily.FAULT_LIFECYCLE,
        FAULT_LIFECYCLE.maxEventBytes(),
        "One tenant's lifecycle events; read by that tenant's subscribers.");
  }

  /** Every topic, in the order operators should create them. */
  public static List<Topic<?>> all() {
    return List.of(
        FAULT_REQUESTS,
        FAULT_APPROVALS,
        FAULT_LIFECYCLE,
        FAULT_CONTROLS,
        TENANT_POLICIES,
        DEAD_LETTERS,
        EXECUTION_JOURNAL,
        SCHEDULER_COMMANDS,
        EXECUTOR_HEARTBEATS,
        RUN_WATCHES,
        RUN_EVENTS,
        ACCOUNT_OWNERS,
        TARGET_CLAIMS,
        TARGET_GRANTS);
  }
}
