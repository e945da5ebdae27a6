package io.faultline.scheduler.state;

/** Store keys are {@code tenant/id}, so one tenant's entries are one prefix scan away. */
public final class Keys {
  private Keys() {}

  public static String of(String tenantId, String id) {
    return tenantId + "/" + id;
  }
}
