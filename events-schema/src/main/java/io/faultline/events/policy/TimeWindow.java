package io.faultline.events.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A recurring window, in the policy's time zone: either weekly ({@code days} + {@code start} and
 * {@code end} as {@code HH:mm}; an end before the start runs past midnight) or cron-style ({@code
 * cron}, five fields, + {@code durationMinutes}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TimeWindow(
    List<String> days, String start, String end, String cron, Integer durationMinutes) {
  public TimeWindow {
    days = days == null ? List.of() : List.copyOf(days);
  }

  public boolean usesCron() {
    return cron != null;
  }
}
