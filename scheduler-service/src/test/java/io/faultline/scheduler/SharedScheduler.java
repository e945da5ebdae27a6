package io.faultline.scheduler;

import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One scheduler instance shared by the API tests (one class per feature package) and wave tests of
 * this JVM (each test uses its own tenant ids, so tests do not see each other's data). Kept in
 * JUnit's root store, which closes it when the whole test run ends.
 */
public final class SharedScheduler implements BeforeAllCallback {
  private static SchedulerInstance instance;

  @Override
  public void beforeAll(ExtensionContext context) {
    get(context);
  }

  static synchronized SchedulerInstance get(ExtensionContext context) {
    if (instance == null) {
      instance = SchedulerInstance.start("sched-shared-" + UUID.randomUUID(), Clock.systemUTC());
      context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .put("shared-scheduler", instance);
    }
    return instance;
  }

  public static synchronized SchedulerInstance get() {
    if (instance == null) {
      throw new IllegalStateException(
          "annotate the test class with @ExtendWith(SharedScheduler.class)");
    }
    return instance;
  }

  public static String newTenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
