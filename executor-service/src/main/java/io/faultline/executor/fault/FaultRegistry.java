package io.faultline.executor.fault;

import io.faultline.events.ids.FaultType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The fault types this executor can run, by type; found through {@link ServiceLoader}. */
public final class FaultRegistry {
  private final Map<FaultType, Fault> byType;

  public FaultRegistry(List<Fault> faults) {
    Map<FaultType, Fault> map = new LinkedHashMap<>();
    for (Fault fault : faults) {
      if (map.put(fault.type(), fault) != null) {
        throw new IllegalArgumentException("two faults registered for " + fault.type());
      }
    }
    this.byType = Map.copyOf(map);
  }

  /**
   * Every fault on the class path ({@code META-INF/services/io.faultline.executor.fault.Fault}).
   */
  public static FaultRegistry discover() {
    return new FaultRegistry(
        ServiceLoader.load(Fault.class).stream().map(ServiceLoader.Provider::get).toList());
  }

  public Optional<Fault> find(FaultType type) {
    return Optional.ofNullable(byType.get(type));
  }

  public java.util.Set<FaultType> types() {
    return byType.keySet();
  }
}
