package io.faultline.scheduler.tenants;

import io.faultline.scheduler.engine.CommandBus;
import io.faultline.scheduler.engine.StateQueries;
import io.faultline.scheduler.engine.StoreNames;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.TenantState;
import java.util.Optional;

/**
 * Read-your-writes for the tenant endpoints: sends a tenant command and returns the tenant's state
 * once the engine has applied that command (its id is the state's last command id).
 */
final class TenantCommands {
  private final CommandBus bus;
  private final StateQueries queries;

  TenantCommands(CommandBus bus, StateQueries queries) {
    this.bus = bus;
    this.queries = queries;
  }

  /** The tenant's state once the command is applied; throws when it was not applied in time. */
  TenantState apply(SchedulerCommand command) {
    return send(command).orElseThrow();
  }

  /** As {@link #apply}, empty when the command was not applied in time. */
  Optional<TenantState> send(SchedulerCommand command) {
    bus.send(command);
    return queries.await(
        StoreNames.TENANTS,
        command.tenantId(),
        null,
        TenantState.class,
        s -> s.isPresent() && command.commandId().equals(s.get().commandId()));
  }
}
