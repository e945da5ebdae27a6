package io.faultline.scheduler.engine;

import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.TenantState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Commands as the engine reads them, and what a schedule, policy, account or publisher key command
 * makes of the stored state. Pure: the caller stores (and publishes) what this returns.
 */
final class Commands {
  private Commands() {}

  /**
   * A command as the API wrote it: no null-valued header (the contract's codec refuses those too),
   * a value of at most the commands topic's event limit, JSON of a complete command, keyed by its
   * tenant (another key would put a tenant's state in a task that does not own it).
   */
  static SchedulerCommand read(Record<String, byte[]> record) {
    for (Header header : record.headers()) {
      if (header.value() == null) {
        throw new IllegalArgumentException("header '" + header.key() + "' has no value");
      }
    }
    byte[] value = record.value();
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException("the command has no value");
    }
    if (value.length > Topics.SCHEDULER_COMMANDS.maxEventBytes()) {
      throw new IllegalArgumentException(
          "the command is "
              + value.length
              + " bytes; at most "
              + Topics.SCHEDULER_COMMANDS.maxEventBytes()
              + " are accepted");
    }
    SchedulerCommand command = StateJson.read(value, SchedulerCommand.class);
    if (!command.tenantId().equals(record.key())) {
      throw new IllegalArgumentException(
          "the command of tenant '"
              + command.tenantId()
              + "' is keyed "
              + (record.key() == null ? "without a key" : "'" + record.key() + "'"));
    }
    return command;
  }

  /**
   * The schedule a PUT makes: the requested definition, keeping what the engine counted (runs
   * fired, last fire and run), with its first fire time from {@code now}.
   *
   * @param existing the stored schedule, or null
   */
  static Schedule putSchedule(SchedulerCommand c, Schedule existing, Instant now) {
    Schedule requested = c.schedule();
    Schedule merged =
        new Schedule(
            requested.tenantId(),
            requested.scheduleId(),
            requested.experimentId(),
            requested.cron(),
            requested.timeZone(),
            requested.at(),
            requested.enabled(),
            requested.endAt(),
            requested.maxRuns(),
            requested.missedFirePolicy(),
            existing == null ? 0 : existing.firedRuns(),
            null,
            existing == null ? null : existing.lastFireAt(),
            existing == null ? null : existing.lastRunId(),
            null,
            now,
            c.issuedBy(),
            c.commandId());
    return merged.withNextFireAt(merged.enabled() ? merged.firstFireAt(now) : null);
  }

  /** A tenant's state before its first policy, account or publisher key. */
  static TenantState noTenantState(String tenantId) {
    return new TenantState(tenantId, List.of(), null, null, List.of());
  }

  /**
   * The tenant after a PUT of its policy: the next revision, over its registered accounts and
   * publisher keys. Whether signed requests are required is the PUT's (absent from it: required).
   */
  static TenantState putPolicy(SchedulerCommand c, TenantState state, Instant now) {
    TenantPolicy p = c.policy();
    TenantPolicy published =
        revision(
            p,
            nextRevision(state),
            state.accounts(),
            state.publisherKeys(),
            p.requireSignedRequests(),
            now,
            c.issuedBy());
    return new TenantState(
        c.tenantId(), state.accounts(), published, c.commandId(), state.publisherKeys());
  }

  /**
   * The tenant after an account was registered (again) or removed; its policy, when it has one,
   * moves to the next revision with the new accounts and is to be published again.
   */
  static TenantState changeAccounts(SchedulerCommand c, TenantState state, Instant now) {
    List<RegisteredAccount> accounts = new ArrayList<>();
    boolean replaced = false;
    for (RegisteredAccount a : state.accounts()) {
      if (!a.accountId().value().equals(c.id())) {
        accounts.add(a);
      } else if (c.account() != null) {
        // Re-registering keeps the external id (and a rotation in progress): the account's trust
        // policy stays valid.
        RegisteredAccount n = c.account();
        accounts.add(
            new RegisteredAccount(
                n.accountId(),
                n.roleArn(),
                a.externalId(),
                n.regions(),
                a.previousExternalId(),
                a.previousExternalIdUntil()));
        replaced = true;
      }
    }
    if (c.account() != null && !replaced) {
      accounts.add(c.account());
    }
    return changed(state, accounts, state.publisherKeys(), now, c.issuedBy(), c.commandId());
  }

  /**
   * The tenant after a rotation or the early end of its overlap. A rotation replaces the account's
   * external id, keeping the one it replaces as previous until the command's overlap end; it
   * applies only if the account still has the external id the API saw (a concurrent rotation wins,
   * this one is a no-op the API reports as a conflict). Ending an overlap drops the previous id at
   * once. When the accounts change, the policy (if any) moves to the next revision and is to be
   * published again; otherwise only the command is recorded and the policy is the stored one.
   */
  static TenantState changeExternalId(SchedulerCommand c, TenantState state, Instant now) {
    List<RegisteredAccount> accounts = new ArrayList<>();
    boolean changed = false;
    for (RegisteredAccount a : state.accounts()) {
      if (!a.accountId().value().equals(c.id())) {
        accounts.add(a);
      } else if (c.kind() == CommandKind.ROTATE_EXTERNAL_ID
          && c.account() != null
          && a.externalId().equals(c.account().previousExternalId())) {
        accounts.add(
            new RegisteredAccount(
                a.accountId(),
                a.roleArn(),
                c.account().externalId(),
                a.regions(),
                a.externalId(),
                c.account().previousExternalIdUntil()));
        changed = true;
      } else if (c.kind() == CommandKind.END_EXTERNAL_ID_OVERLAP
          && a.previousExternalId() != null) {
        accounts.add(withoutPreviousExternalId(a));
        changed = true;
      } else {
        accounts.add(a);
      }
    }
    return changed
        ? changed(state, accounts, state.publisherKeys(), now, c.issuedBy(), c.commandId())
        : recorded(state, c);
  }

  /**
   * The tenant after a publisher key was added or revoked (ADR 0008). Adding applies only when the
   * tenant has no key of that id, revoked or not (a revoked key stays listed, so requests signed
   * with it stay refused as unknown), and fewer than {@link TenantState#MAX_PUBLISHER_KEYS}; a
   * revocation applies to a key in use, as of the command's {@code issuedAt}. When the keys change,
   * the policy (if any) moves to the next revision with them and is to be published again;
   * otherwise only the command is recorded and the API reports the lost race as a conflict.
   */
  static TenantState changePublisherKeys(SchedulerCommand c, TenantState state, Instant now) {
    List<PublisherKey> keys = new ArrayList<>(state.publisherKeys());
    boolean changed = false;
    if (c.kind() == CommandKind.ADD_PUBLISHER_KEY && c.publisherKey() != null) {
      String keyId = c.publisherKey().keyId();
      if (keys.size() < TenantState.MAX_PUBLISHER_KEYS
          && keys.stream().noneMatch(k -> k.keyId().equals(keyId))) {
        keys.add(c.publisherKey());
        changed = true;
      }
    } else if (c.kind() == CommandKind.REVOKE_PUBLISHER_KEY) {
      for (int i = 0; i < keys.size(); i++) {
        PublisherKey k = keys.get(i);
        if (k.keyId().equals(c.id()) && k.revokedAt() == null) {
          keys.set(i, k.revoked(c.issuedAt()));
          changed = true;
        }
      }
    }
    return changed
        ? changed(state, state.accounts(), keys, now, c.issuedBy(), c.commandId())
        : recorded(state, c);
  }

  /** The tenant as it was, with only the command recorded (for the API's read-your-writes). */
  private static TenantState recorded(TenantState state, SchedulerCommand c) {
    return new TenantState(
        c.tenantId(), state.accounts(), state.policy(), c.commandId(), state.publisherKeys());
  }

  /** Whether an account of the tenant keeps a previous external id whose overlap ended at now. */
  static boolean hasEndedOverlap(TenantState state, Instant now) {
    return state.accounts().stream().anyMatch(a -> overlapEnded(a, now));
  }

  /**
   * The tenant once the previous external ids whose overlap ended at {@code now} are dropped; its
   * policy (if any) moves to the next revision without them and is to be published again. The API's
   * read-your-writes marker stays: this is no API command.
   */
  static TenantState dropEndedOverlaps(TenantState state, Instant now) {
    List<RegisteredAccount> accounts =
        state.accounts().stream()
            .map(a -> overlapEnded(a, now) ? withoutPreviousExternalId(a) : a)
            .toList();
    return changed(
        state, accounts, state.publisherKeys(), now, EngineProcessor.SCHEDULER, state.commandId());
  }

  private static boolean overlapEnded(RegisteredAccount a, Instant now) {
    return a.previousExternalId() != null && a.previousExternalIdAt(now) == null;
  }

  private static RegisteredAccount withoutPreviousExternalId(RegisteredAccount a) {
    return new RegisteredAccount(a.accountId(), a.roleArn(), a.externalId(), a.regions());
  }

  /**
   * The tenant with these accounts and publisher keys, and its policy (if any) at the next revision
   * over them; whether the policy requires signed requests does not change.
   */
  private static TenantState changed(
      TenantState state,
      List<RegisteredAccount> accounts,
      List<PublisherKey> keys,
      Instant now,
      String by,
      String commandId) {
    TenantPolicy policy = state.policy();
    if (policy != null) {
      policy =
          revision(
              policy, nextRevision(state), accounts, keys, policy.requireSignedRequests(), now, by);
    }
    return new TenantState(state.tenantId(), accounts, policy, commandId, keys);
  }

  /** {@code p}'s rules at another revision, over these accounts and keys. */
  private static TenantPolicy revision(
      TenantPolicy p,
      long revision,
      List<RegisteredAccount> accounts,
      List<PublisherKey> keys,
      boolean requireSignedRequests,
      Instant now,
      String by) {
    return new TenantPolicy(
        p.tenantId(),
        revision,
        accounts,
        p.allowedFaultTypes(),
        p.protectedTargets(),
        p.windows(),
        p.bounds(),
        p.concurrency(),
        p.cooldownSeconds(),
        p.dryRunOnly(),
        now,
        by,
        keys,
        requireSignedRequests);
  }

  private static long nextRevision(TenantState state) {
    return state.policy() == null ? 1 : state.policy().revision() + 1;
  }
}
