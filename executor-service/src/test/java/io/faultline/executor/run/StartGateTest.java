package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartGateTest {
  private final List<String> started = new ArrayList<>();
  private final List<StartGate.Pass> places = new ArrayList<>();

  private void enter(StartGate gate, String name) {
    gate.enter(
        place -> {
          started.add(name);
          places.add(place);
        });
  }

  @Test
  void startsUpToTheLimitAtOnceAndTheRestInOrderAsPlacesAreLeft() {
    StartGate gate = new StartGate(2);
    enter(gate, "a");
    enter(gate, "b");
    enter(gate, "c");
    enter(gate, "d");

    assertThat(started).containsExactly("a", "b");
    assertThat(gate.waiting()).isEqualTo(2);

    places.get(1).leave();
    assertThat(started).containsExactly("a", "b", "c");
    places.get(0).leave();
    assertThat(started).containsExactly("a", "b", "c", "d");
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void aPlaceLeftTwiceFreesOnePlaceOnly() {
    StartGate gate = new StartGate(1);
    enter(gate, "a");
    enter(gate, "b");
    enter(gate, "c");

    // The ramp's wait and the end of the stretch both leave: the second must not let c in too.
    places.get(0).leave();
    places.get(0).leave();

    assertThat(started).containsExactly("a", "b");
    assertThat(gate.waiting()).isEqualTo(1);
  }

  @Test
  void aFreedPlaceIsTakenByTheNextStartNotLost() {
    StartGate gate = new StartGate(1);
    enter(gate, "a");
    places.get(0).leave();
    enter(gate, "b");
    enter(gate, "c");

    assertThat(started).containsExactly("a", "b");
  }

  @Test
  void refusesALimitBelowOne() {
    assertThatThrownBy(() -> new StartGate(0)).hasMessageContaining("at least 1 place");
  }
}
