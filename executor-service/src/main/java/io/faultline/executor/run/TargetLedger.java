package io.faultline.executor.run;

import io.faultline.events.lifecycle.ProcessOutcome;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.fault.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a fault knows about its targets: the ones it acts on (journaled, so a takeover rolls back
 * each of them), the ones resolution left out and why, where each target stands, and the SSM
 * commands sent. Confined to the fault's thread.
 */
final class TargetLedger {
  private List<Target> targets = List.of();
  private final List<TargetOutcome> leftOut = new ArrayList<>();
  private final Map<String, TargetOutcome> outcomes = new LinkedHashMap<>();
  private final Set<String> commandIds = new LinkedHashSet<>();
  private final Map<String, List<String>> notes = new LinkedHashMap<>();
  private final Map<String, GivenUp> givenUp = new LinkedHashMap<>();

  /**
   * An inject command this fault stopped waiting for on one target (its command timeout passed, or
   * an abort cut the round short) and asked to cancel.
   *
   * @param settledBy when the command has ended on every instance at the latest ({@link
   *     CommandBounds#settledBy})
   */
  record GivenUp(Target target, String commandId, Instant settledBy) {}

  /** A ledger taken over from the journal: targets known by id and kind only. */
  static TargetLedger journaled(List<Target> targets, List<String> commandIds) {
    TargetLedger ledger = new TargetLedger();
    ledger.targets = List.copyOf(targets);
    ledger.commandIds.addAll(commandIds);
    return ledger;
  }

  /**
   * Keeps what resolution has to report: targets skipped or refused, and the ECS cluster a target
   * list came from. Targets it chose are reported once they are acted on ({@link #actOn}).
   */
  void resolved(List<TargetOutcome> resolution) {
    leftOut.addAll(
        resolution.stream()
            .filter(o -> o.status() != TargetStatus.RESOLVED || o.kind().equals(Target.ECS_CLUSTER))
            .toList());
  }

  /** Reports every resolved target, chosen or not (a fault failing closed shows what it spared). */
  void reportAll(List<TargetOutcome> resolution) {
    leftOut.clear();
    leftOut.addAll(resolution);
  }

  void skip(Target target, String why) {
    leftOut.add(new TargetOutcome(target.id(), target.kind(), TargetStatus.SKIPPED, null, why));
  }

  /** The targets the fault acts on, each reported with its resolution outcome. */
  void actOn(List<Target> chosen, List<TargetOutcome> resolution) {
    targets = List.copyOf(chosen);
    for (TargetOutcome o : resolution) {
      if (o.status() == TargetStatus.RESOLVED
          && targets.stream().anyMatch(t -> t.id().equals(o.targetId()))) {
        outcomes.put(o.targetId(), o);
      }
    }
  }

  /**
   * Takes a target the fault has not sent its inject to off the list it acts on (so no command,
   * rollback included, reaches it) and reports it EXCLUDED_PROTECTED with {@code why}.
   */
  void excludeProtected(Target target, String why) {
    targets = targets.stream().filter(t -> !t.id().equals(target.id())).toList();
    outcomes.remove(target.id());
    notes.remove(target.id());
    leftOut.add(
        new TargetOutcome(target.id(), target.kind(), TargetStatus.EXCLUDED_PROTECTED, null, why));
  }

  /** Whether the fault still acts on {@code target}. */
  boolean actsOn(Target target) {
    return targets.stream().anyMatch(t -> t.id().equals(target.id()));
  }

  void sent(String commandId) {
    commandIds.add(commandId);
  }

  void record(Target target, TargetStatus status, String commandId, String detail) {
    record(target, status, commandId, detail, List.of());
  }

  /**
   * Records the target's latest outcome; without process results of its own it keeps the ones the
   * target reported before (a rollback's never undoes what its inject did to processes).
   */
  void record(
      Target target,
      TargetStatus status,
      String commandId,
      String detail,
      List<ProcessOutcome> processes) {
    List<ProcessOutcome> kept = processes;
    TargetOutcome before = outcomes.get(target.id());
    if (kept.isEmpty() && before != null) {
      kept = before.processes();
    }
    if (!kept.isEmpty()) {
      detail = TargetResult.bounded(detail, true);
    }
    outcomes.put(
        target.id(),
        new TargetOutcome(target.id(), target.kind(), status, commandId, detail, kept));
  }

  /**
   * Adds to what the target's reported detail says, whatever its later outcomes: e.g. that its
   * inject was cancelled, before the rollback's own result lines.
   */
  void note(Target target, String note) {
    notes.computeIfAbsent(target.id(), id -> new ArrayList<>()).add(note);
  }

  /** Remembers an inject command given up on the target, until {@link #settled}. */
  void gaveUp(Target target, String commandId, Instant settledBy) {
    givenUp.put(target.id(), new GivenUp(target, commandId, settledBy));
  }

  /** The inject commands given up on and not settled yet, in the order they were given up. */
  List<GivenUp> givenUp() {
    return List.copyOf(givenUp.values());
  }

  /** The end of the target's given-up inject is known and acted on. */
  void settled(Target target) {
    givenUp.remove(target.id());
  }

  List<Target> list() {
    return targets;
  }

  List<String> commandIds() {
    return List.copyOf(commandIds);
  }

  /** The command that last acted on the target, if any. */
  String commandOf(Target target) {
    TargetOutcome o = outcomes.get(target.id());
    return o == null ? null : o.ssmCommandId();
  }

  /** Targets without a confirmed rollback. */
  List<String> notRolledBack() {
    return notRolledBack(targets);
  }

  /** Those of {@code scope} without a confirmed rollback. */
  List<String> notRolledBack(List<Target> scope) {
    return scope.stream()
        .filter(
            t -> {
              TargetOutcome o = outcomes.get(t.id());
              return o == null || o.status() != TargetStatus.ROLLED_BACK;
            })
        .map(Target::id)
        .toList();
  }

  /**
   * The ids of the targets a command was sent to (an inject, at least), in order: those with an
   * outcome past RESOLVED, and those whose inject was given up on before any result.
   */
  List<String> reached() {
    return targets.stream().filter(this::reached).map(Target::id).toList();
  }

  private boolean reached(Target t) {
    TargetOutcome o = outcomes.get(t.id());
    return givenUp.containsKey(t.id()) || (o != null && o.status() != TargetStatus.RESOLVED);
  }

  /**
   * The targets a command may have reached that are not rolled back yet: every one but those never
   * sent an inject (still RESOLVED) and those already rolled back or verified. A target with an
   * inject given up on stays here ({@link LateInjects} learns how it ended).
   */
  List<Target> reachedAndNotRolledBack() {
    return targets.stream()
        .filter(
            t -> {
              TargetOutcome o = outcomes.get(t.id());
              return reached(t)
                  && (o == null
                      || (o.status() != TargetStatus.ROLLED_BACK
                          && o.status() != TargetStatus.VERIFIED));
            })
        .toList();
  }

  /**
   * Every outcome to report: targets left out first, then those acted on, each acted-on target's
   * notes before the detail of its latest outcome.
   */
  List<TargetOutcome> outcomes() {
    List<TargetOutcome> all = new ArrayList<>(leftOut);
    for (TargetOutcome o : outcomes.values()) {
      List<String> noted = notes.get(o.targetId());
      if (noted == null) {
        all.add(o);
        continue;
      }
      String detail = String.join("; ", noted) + (o.detail() == null ? "" : "; " + o.detail());
      detail = TargetResult.bounded(detail, !o.processes().isEmpty());
      all.add(
          new TargetOutcome(
              o.targetId(), o.kind(), o.status(), o.ssmCommandId(), detail, o.processes()));
    }
    return all;
  }
}
