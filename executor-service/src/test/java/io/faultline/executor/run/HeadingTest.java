package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.lifecycle.FailureReason;
import org.junit.jupiter.api.Test;

class HeadingTest {
  @Test
  void journalsEachHeadingInTheFormEarlierExecutorsWrote() {
    assertThat(new Heading.Completed().journalForm()).isEqualTo("COMPLETED");
    assertThat(new Heading.Aborted(FailureReason.HALTED).journalForm()).isEqualTo("ABORTED:HALTED");
    assertThat(new Heading.Failed(FailureReason.INJECT).journalForm()).isEqualTo("FAILED:INJECT");
  }

  @Test
  void readsBackWhatItJournals() {
    for (Heading heading :
        new Heading[] {
          new Heading.Completed(),
          new Heading.Aborted(FailureReason.ABORTED),
          new Heading.Aborted(FailureReason.HALTED),
          new Heading.Failed(FailureReason.INJECT)
        }) {
      assertThat(Heading.fromJournal(heading.journalForm())).contains(heading);
    }
  }

  @Test
  void knowsNoHeadingWhenTheJournalNamesNone() {
    assertThat(Heading.fromJournal(null)).isEmpty();
  }

  @Test
  void knowsNoHeadingItCannotRead() {
    assertThat(Heading.fromJournal("ROLLING_BACK")).isEmpty();
    assertThat(Heading.fromJournal("ABORTED:")).isEmpty();
    assertThat(Heading.fromJournal("ABORTED:NOT_A_REASON")).isEmpty();
    assertThat(Heading.fromJournal("COMPLETED:INJECT")).isEmpty();
  }
}
