package io.faultline.executor.lifecycle;

import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.RunningFault;
import io.faultline.events.topics.Topics;
import io.faultline.executor.RawRecords;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import java.time.Instant;
import java.util.List;

/** A fault's STARTED event and journal entry, as the ledger's tests write them. */
final class LedgerFixtures {
  private LedgerFixtures() {}

  static FaultLifecycleEvent started(String tenant, String faultId, String detail) {
    FaultCoordinates base = Fixtures.aProcessKillRequest().coordinates();
    FaultCoordinates fault =
        new FaultCoordinates(
            FaultId.of(faultId),
            TenantId.of(tenant),
            base.experimentId(),
            base.runId(),
            base.faultType(),
            base.accountId(),
            base.region());
    return FaultLifecycleEvent.started(
        new RunningFault(
            fault, false, Fixtures.aProcessKillRequest().parameters(), null, null, null),
        2,
        Instant.now(),
        detail);
  }

  static JournalEntry entry(String tenant, String faultId) {
    return new JournalEntry(
        faultId,
        tenant,
        Phase.STARTED,
        3,
        0,
        0,
        null,
        List.of(),
        List.of(),
        null,
        "ledger-it",
        Instant.now());
  }

  /** The fault ids of the tenant's lifecycle events on the topic, in the order read. */
  static List<String> lifecycleFaultIds(String tenant) {
    return RawRecords.read(Topics.FAULT_LIFECYCLE.name(), tenant::equals).stream()
        .map(
            r ->
                EventCodec.standard()
                    .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                    .data()
                    .faultId()
                    .value())
        .toList();
  }
}
