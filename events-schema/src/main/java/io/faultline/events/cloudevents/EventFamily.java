package io.faultline.events.cloudevents;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.owners.AccountOwnerClaim;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.request.FaultRequested;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A family of CloudEvents types sharing one data schema and one Java record. Types are versioned
 * ({@code .v1}); a breaking change gets a new type and schema, never an edit of the old one.
 */
public enum EventFamily {
  FAULT_REQUESTED(
      FaultRequested.class,
      "fault-requested.v1",
      List.of("io.faultline.fault.requested.v1"),
      e -> "io.faultline.fault.requested.v1",
      e -> ((FaultRequested) e).faultId().value(),
      e -> ((FaultRequested) e).tenantId().value()),
  FAULT_APPROVED(
      FaultApproved.class,
      "fault-approved.v1",
      List.of("io.faultline.fault.approved.v1"),
      e -> "io.faultline.fault.approved.v1",
      e -> ((FaultApproved) e).faultId().value(),
      e -> ((FaultApproved) e).tenantId().value()),
  FAULT_LIFECYCLE(
      FaultLifecycleEvent.class,
      "fault-lifecycle.v1",
      Arrays.stream(LifecycleStage.values()).map(LifecycleStage::cloudEventType).toList(),
      e -> ((FaultLifecycleEvent) e).stage().cloudEventType(),
      e -> ((FaultLifecycleEvent) e).faultId().value(),
      e -> ((FaultLifecycleEvent) e).tenantId().value()),
  FAULT_CONTROL(
      FaultControl.class,
      "fault-control.v1",
      Arrays.stream(ControlAction.values()).map(ControlAction::cloudEventType).toList(),
      e -> ((FaultControl) e).action().cloudEventType(),
      e -> ((FaultControl) e).subject(),
      e -> ((FaultControl) e).tenantId() == null ? null : ((FaultControl) e).tenantId().value()),
  TENANT_POLICY(
      TenantPolicy.class,
      "tenant-policy.v1",
      List.of("io.faultline.policy.tenant.v1"),
      e -> "io.faultline.policy.tenant.v1",
      e -> ((TenantPolicy) e).tenantId().value(),
      e -> ((TenantPolicy) e).tenantId().value()),
  EXECUTOR_HEARTBEAT(
      ExecutorHeartbeat.class,
      "executor-heartbeat.v1",
      List.of("io.faultline.executor.heartbeat.v1"),
      e -> "io.faultline.executor.heartbeat.v1",
      e -> ((ExecutorHeartbeat) e).executorId(),
      e -> null),
  /** A target claim of a tag-selected fault (issue 16); subject = fault id. */
  TARGETS_CLAIMED(
      TargetsClaimed.class,
      "targets-claimed.v1",
      List.of("io.faultline.targets.claimed.v1"),
      e -> "io.faultline.targets.claimed.v1",
      e -> ((TargetsClaimed) e).faultId().value(),
      e -> ((TargetsClaimed) e).tenantId().value()),
  /** Admission's answer to a target claim; subject = fault id. */
  TARGETS_GRANTED(
      TargetsGranted.class,
      "targets-granted.v1",
      List.of("io.faultline.targets.granted.v1"),
      e -> "io.faultline.targets.granted.v1",
      e -> ((TargetsGranted) e).faultId().value(),
      e -> ((TargetsGranted) e).tenantId().value()),
  /** A run's watch (ADR 0010); subject = run key {@code <tenant id>/<run id>}. */
  RUN_WATCH(
      RunWatch.class,
      "run-watch.v1",
      List.of("io.faultline.run.watch.v1"),
      e -> "io.faultline.run.watch.v1",
      e -> ((RunWatch) e).key(),
      e -> ((RunWatch) e).tenantId().value()),
  /** Readings, results, breaches and verdicts of a run (ADR 0010); subject = run id. */
  RUN_EVENT(
      RunEvent.class,
      "run-event.v1",
      List.of("io.faultline.run.v1"),
      e -> "io.faultline.run.v1",
      e -> ((RunEvent) e).runId().value(),
      e -> ((RunEvent) e).tenantId().value()),
  /** A tenant's claim on an AWS account (ADR 0007 §7); subject = account id. */
  ACCOUNT_OWNER(
      AccountOwnerClaim.class,
      "account-owner.v1",
      List.of("io.faultline.account.owner.v1"),
      e -> "io.faultline.account.owner.v1",
      e -> ((AccountOwnerClaim) e).accountId().value(),
      e -> ((AccountOwnerClaim) e).tenantId().value());

  /** Where the published schemas live; also the {@code dataschema} attribute's base. */
  public static final String SCHEMA_BASE = "https://faultline.io/schemas/";

  private final Class<?> recordType;
  private final String schemaName;
  private final List<String> types;
  private final Function<Object, String> typeOf;
  private final Function<Object, String> subjectOf;
  private final Function<Object, String> tenantOf;

  EventFamily(
      Class<?> recordType,
      String schemaName,
      List<String> types,
      Function<Object, String> typeOf,
      Function<Object, String> subjectOf,
      Function<Object, String> tenantOf) {
    this.recordType = recordType;
    this.schemaName = schemaName;
    this.types = List.copyOf(types);
    this.typeOf = typeOf;
    this.subjectOf = subjectOf;
    this.tenantOf = tenantOf;
  }

  public Class<?> recordType() {
    return recordType;
  }

  /** Every CloudEvents type of this family. */
  public List<String> types() {
    return types;
  }

  /** The classpath resource of the data schema. */
  public String schemaResource() {
    return "/io/faultline/events/schemas/" + schemaName + ".schema.json";
  }

  public URI dataSchema() {
    return URI.create(SCHEMA_BASE + schemaName + ".schema.json");
  }

  public String typeOf(Object event) {
    return typeOf.apply(event);
  }

  /** The CloudEvents subject: the fault id for fault events. */
  public String subjectOf(Object event) {
    return subjectOf.apply(event);
  }

  /** The tenant, carried as the {@code tenantid} extension; null for platform-wide controls. */
  public String tenantOf(Object event) {
    return tenantOf.apply(event);
  }
}
