package io.faultline.events.policy;

import java.util.List;

/**
 * When faults may start. No allowed windows means "any time"; a blackout window always wins.
 *
 * @param timeZone IANA time zone id, e.g. {@code Europe/Berlin}
 */
public record Windows(String timeZone, List<TimeWindow> allowed, List<TimeWindow> blackout) {
  public Windows {
    timeZone = timeZone == null ? "UTC" : timeZone;
    allowed = allowed == null ? List.of() : List.copyOf(allowed);
    blackout = blackout == null ? List.of() : List.copyOf(blackout);
  }

  public static Windows always() {
    return new Windows("UTC", List.of(), List.of());
  }
}
