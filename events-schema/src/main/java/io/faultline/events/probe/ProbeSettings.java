package io.faultline.events.probe;

import java.util.Map;

/**
 * The type-specific, canonical settings of a probe (defaults applied). One record per {@link
 * ProbeType}; evaluators switch over this sealed type or take the record of their own type.
 */
public sealed interface ProbeSettings
    permits CloudWatchAlarmSettings, CloudWatchMetricSettings, HttpSettings, PromQlSettings {

  ProbeType type();

  /** The settings as their JSON fields, in canonical order (beside the common probe fields). */
  Map<String, Object> fields();
}
