package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import java.util.Objects;
import java.util.Optional;

/**
 * The terminal stage a fault is heading to once it starts rolling back. Journaled, so an executor
 * that takes the fault over ends it the way its first executor would have.
 */
sealed interface Heading {
  /** The hold ran its full length. */
  record Completed() implements Heading {}

  /** Stopped by a control (ABORTED, HALTED). */
  record Aborted(FailureReason reason) implements Heading {
    public Aborted {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Inject failed. */
  record Failed(FailureReason reason) implements Heading {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The journal's form: {@code COMPLETED}, {@code ABORTED:<reason>} or {@code FAILED:<reason>}. */
  default String journalForm() {
    return switch (this) {
      case Completed c -> LifecycleStage.COMPLETED.name();
      case Aborted a -> LifecycleStage.ABORTED + ":" + a.reason();
      case Failed f -> LifecycleStage.FAILED + ":" + f.reason();
    };
  }

  /**
   * Reads {@link #journalForm()}; the journal is the only place a heading is a string.
   *
   * @return empty when the journal names no heading, or one this executor does not know
   */
  static Optional<Heading> fromJournal(String journaled) {
    if (journaled == null) {
      return Optional.empty();
    }
    if (journaled.equals(LifecycleStage.COMPLETED.name())) {
      return Optional.of(new Completed());
    }
    String[] stageAndReason = journaled.split(":", 2);
    if (stageAndReason.length != 2) {
      return Optional.empty();
    }
    Optional<FailureReason> reason = reason(stageAndReason[1]);
    if (reason.isEmpty()) {
      return Optional.empty();
    }
    if (stageAndReason[0].equals(LifecycleStage.ABORTED.name())) {
      return Optional.of(new Aborted(reason.get()));
    }
    if (stageAndReason[0].equals(LifecycleStage.FAILED.name())) {
      return Optional.of(new Failed(reason.get()));
    }
    return Optional.empty();
  }

  private static Optional<FailureReason> reason(String name) {
    for (FailureReason reason : FailureReason.values()) {
      if (reason.name().equals(name)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }
}
