package io.faultline.executor.run;

import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.fault.Target;
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

  void sent(String commandId) {
    commandIds.add(commandId);
  }

  void record(Target target, TargetStatus status, String commandId, String detail) {
    outcomes.put(
        target.id(), new TargetOutcome(target.id(), target.kind(), status, commandId, detail));
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
    return targets.stream()
        .filter(
            t -> {
              TargetOutcome o = outcomes.get(t.id());
              return o == null || o.status() != TargetStatus.ROLLED_BACK;
            })
        .map(Target::id)
        .toList();
  }

  /** Every outcome to report: targets left out first, then those acted on. */
  List<TargetOutcome> outcomes() {
    List<TargetOutcome> all = new ArrayList<>(leftOut);
    all.addAll(outcomes.values());
    return all;
  }
}
