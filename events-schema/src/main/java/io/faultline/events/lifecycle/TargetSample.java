package io.faultline.events.lifecycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * What an executor event lists of a fault's targets and commands when there may be thousands of
 * them (ADR 0009): at most {@code limit} targets, those that need attention first, in the order the
 * fault reported them; at most {@code limit} command ids, the listed targets' first; and the counts
 * of everything in {@link TargetSummary}.
 *
 * @param targets the listed targets
 * @param ssmCommandIds the listed command ids
 * @param summary counts of every target and command, and what the lists leave out
 */
public record TargetSample(
    List<TargetOutcome> targets, List<String> ssmCommandIds, TargetSummary summary) {

  /**
   * Which targets an event keeps when it cannot list every one, most important first: failures,
   * then targets the fault is still on, then the ones it acts on, then those it left out (a
   * protected target reached by the selector before a merely skipped one).
   */
  public static final List<TargetStatus> PRIORITY =
      List.of(
          TargetStatus.ROLLBACK_FAILED,
          TargetStatus.INJECT_FAILED,
          TargetStatus.INJECTED,
          TargetStatus.RESOLVED,
          TargetStatus.ROLLED_BACK,
          TargetStatus.VERIFIED,
          TargetStatus.EXCLUDED_PROTECTED,
          TargetStatus.SKIPPED);

  /**
   * The executor's default limit: its worst-case event (every listed target and detail as long as
   * they may be) stays under 800 KiB, well below the lifecycle topic's 1 MiB (ADR 0009).
   */
  public static final int DEFAULT_LIMIT = 100;

  public TargetSample {
    targets = List.copyOf(targets);
    ssmCommandIds = List.copyOf(ssmCommandIds);
  }

  /**
   * The sample of every target and command a fault knows of.
   *
   * @param limit the most targets, and the most command ids, listed; 0 lists none (counts only)
   */
  public static TargetSample of(List<TargetOutcome> all, List<String> commandIds, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be at least 0, was " + limit);
    }
    List<TargetOutcome> listed = listed(all, limit);
    List<String> commands = listedCommands(commandIds, listed, limit);
    TargetSummary summary =
        new TargetSummary(
            all.size(),
            TargetSummary.countByStatus(all),
            all.size() - listed.size(),
            commandIds.size(),
            commandIds.size() - commands.size(),
            false);
    return new TargetSample(listed, commands, summary);
  }

  private static List<TargetOutcome> listed(List<TargetOutcome> all, int limit) {
    if (all.size() <= limit) {
      return all;
    }
    Set<Integer> kept =
        new HashSet<>(
            IntStream.range(0, all.size())
                .boxed()
                .sorted(Comparator.comparingInt(i -> PRIORITY.indexOf(all.get(i).status())))
                .limit(limit)
                .toList());
    List<TargetOutcome> listed = new ArrayList<>(limit);
    for (int i = 0; i < all.size(); i++) {
      if (kept.contains(i)) {
        listed.add(all.get(i));
      }
    }
    return listed;
  }

  private static List<String> listedCommands(
      List<String> commandIds, List<TargetOutcome> listed, int limit) {
    if (commandIds.size() <= limit) {
      return commandIds;
    }
    Set<String> known = new HashSet<>(commandIds);
    Set<String> kept = new LinkedHashSet<>();
    for (TargetOutcome t : listed) {
      if (kept.size() < limit && t.ssmCommandId() != null && known.contains(t.ssmCommandId())) {
        kept.add(t.ssmCommandId());
      }
    }
    for (String id : commandIds) {
      if (kept.size() >= limit) {
        break;
      }
      kept.add(id);
    }
    return commandIds.stream().filter(kept::contains).toList();
  }
}
