package io.faultline.scheduler.state;

import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * A change to one tenant's scheduler state, on the scheduler's commands topic keyed by tenant id.
 * The API validates a command before sending it; the engine applies commands of one tenant in
 * order, in the task that owns the tenant's partition. Fields not used by a kind are null.
 *
 * @param commandId unique; stored with the entity it changed so the API can wait for it
 * @param id the experiment, schedule, run, account or publisher key id the command is about
 * @param publisherKey the key an {@link CommandKind#ADD_PUBLISHER_KEY} adds (absent from commands
 *     written before publisher keys existed)
 */
public record SchedulerCommand(
    String commandId,
    CommandKind kind,
    String tenantId,
    String id,
    Instant issuedAt,
    String issuedBy,
    Experiment experiment,
    Schedule schedule,
    TenantPolicy policy,
    RegisteredAccount account,
    String reason,
    String traceparent,
    PublisherKey publisherKey) {
  public SchedulerCommand {
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(issuedAt, "issuedAt");
  }

  public static SchedulerCommand of(
      String commandId, CommandKind kind, String tenantId, String id, Instant at, String by) {
    return new SchedulerCommand(
        commandId, kind, tenantId, id, at, by, null, null, null, null, null, null, null);
  }

  public SchedulerCommand withExperiment(Experiment value) {
    return new SchedulerCommand(
        commandId,
        kind,
        tenantId,
        id,
        issuedAt,
        issuedBy,
        value,
        schedule,
        policy,
        account,
        reason,
        traceparent,
        publisherKey);
  }

  public SchedulerCommand withSchedule(Schedule value) {
    return new SchedulerCommand(
        commandId,
        kind,
        tenantId,
        id,
        issuedAt,
        issuedBy,
        experiment,
        value,
        policy,
        account,
        reason,
        traceparent,
        publisherKey);
  }

  public SchedulerCommand withPolicy(TenantPolicy value) {
    return new SchedulerCommand(
        commandId,
        kind,
        tenantId,
        id,
        issuedAt,
        issuedBy,
        experiment,
        schedule,
        value,
        account,
        reason,
        traceparent,
        publisherKey);
  }

  public SchedulerCommand withAccount(RegisteredAccount value) {
    return new SchedulerCommand(
        commandId,
        kind,
        tenantId,
        id,
        issuedAt,
        issuedBy,
        experiment,
        schedule,
        policy,
        value,
        reason,
        traceparent,
        publisherKey);
  }

  public SchedulerCommand withReason(String value) {
    return new SchedulerCommand(
        commandId,
        kind,
        tenantId,
        id,
        issuedAt,
        issuedBy,
        experiment,
        schedule,
        policy,
        account,
        value,
        traceparent,
        publisherKey);
  }

  public SchedulerCommand withTraceparent(String value) {
    return new SchedulerCommand(
        commandId,
        kind,
        tenantId,
        id,
        issuedAt,
        issuedBy,
        experiment,
        schedule,
        policy,
        account,
        reason,
        value,
        publisherKey);
  }

  public SchedulerCommand withPublisherKey(PublisherKey value) {
    return new SchedulerCommand(
        commandId,
        kind,
        tenantId,
        id,
        issuedAt,
        issuedBy,
        experiment,
        schedule,
        policy,
        account,
        reason,
        traceparent,
        value);
  }
}
