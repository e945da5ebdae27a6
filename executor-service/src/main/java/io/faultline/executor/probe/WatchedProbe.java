package io.faultline.executor.probe;

import io.faultline.events.probe.ProbeDefinition;

/** One probe of a watch in the role it is read for (a probe may be listed in both lists). */
record WatchedProbe(ProbeDefinition definition, Role role) {
  enum Role {
    STEADY_STATE,
    STOP_CONDITION
  }

  String name() {
    return definition.name();
  }
}
