package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.executor.fault.document.SsmDocument;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CommandBoundsTest {
  private static final CommandBounds TEN_MINUTES = new CommandBounds(Duration.ofMinutes(10));

  @Test
  void readsEachDocumentsExecutionTimeoutFromItsSteps() {
    assertThat(CommandBounds.executionTimeout(SsmDocument.forFaultType("ec2-process-kill")))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(CommandBounds.executionTimeout(SsmDocument.forFaultType("ecs-agent-stop")))
        .isEqualTo(Duration.ofSeconds(300));
    assertThat(CommandBounds.executionTimeout(SsmDocument.forFaultType("ec2-http-reset-peer")))
        .isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void deliversWithinWhatTheCommandTimeoutLeavesAfterTheExecutionTimeout() {
    assertThat(TEN_MINUTES.deliveryTimeout(Duration.ofSeconds(60)))
        .isEqualTo(Duration.ofSeconds(540));
    assertThat(TEN_MINUTES.deliveryTimeout(Duration.ofSeconds(300)))
        .isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void neverAsksForLessDeliveryTimeThanSsmAllows() {
    assertThat(TEN_MINUTES.deliveryTimeout(Duration.ofSeconds(600)))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(TEN_MINUTES.deliveryTimeout(Duration.ofSeconds(580)))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(new CommandBounds(Duration.ofSeconds(2)).deliveryTimeout(Duration.ofSeconds(60)))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void neverAsksForMoreDeliveryTimeThanSsmAllows() {
    assertThat(new CommandBounds(Duration.ofDays(40)).deliveryTimeout(Duration.ofSeconds(60)))
        .isEqualTo(Duration.ofDays(30));
  }

  @Test
  void roundsTheDeliveryTimeoutDownToWholeSeconds() {
    assertThat(new CommandBounds(Duration.ofMillis(90_900)).deliveryTimeout(Duration.ofSeconds(60)))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(
            new CommandBounds(Duration.ofMillis(100_900)).deliveryTimeout(Duration.ofSeconds(60)))
        .isEqualTo(Duration.ofSeconds(40));
  }

  @Test
  void aCommandHasEndedByDeliveryPlusExecutionAfterItWasSent() {
    Instant sent = Instant.parse("2026-11-21T10:00:00Z");

    // Whenever the command timeout leaves 30 s of delivery, that is when the executor gives up.
    assertThat(TEN_MINUTES.settledBy(sent, Duration.ofSeconds(60)))
        .isEqualTo(sent.plus(Duration.ofMinutes(10)));
    // Otherwise the command may outlive the executor's wait by what the minimum adds.
    assertThat(TEN_MINUTES.settledBy(sent, Duration.ofSeconds(600)))
        .isEqualTo(sent.plusSeconds(630));
  }

  @Test
  void refusesANonPositiveCommandTimeout() {
    assertThatThrownBy(() -> new CommandBounds(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunSettings.defaults().withCommandTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
