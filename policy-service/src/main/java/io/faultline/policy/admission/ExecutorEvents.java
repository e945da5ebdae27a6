package io.faultline.policy.admission;

import io.faultline.events.lifecycle.LifecycleFields;
import io.faultline.events.lifecycle.LifecycleStage;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;

/**
 * Reads what admission uses from an executor's lifecycle event (tenant, fault id, account, stage,
 * sequence) through {@link LifecycleFields}, without decoding and schema-validating the whole
 * event. The executor publishes five or more events per fault, so this is most of what intake
 * reads; measured with the load driver's executor stand-in, full decoding was the largest part of
 * intake's CPU.
 */
final class ExecutorEvents {
  private static final Set<String> EXECUTOR_TYPES =
      Arrays.stream(LifecycleStage.values())
          .filter(s -> !s.producer().equals(AdmissionTopology.PRODUCER))
          .map(LifecycleStage::cloudEventType)
          .collect(Collectors.toUnmodifiableSet());

  private ExecutorEvents() {}

  /**
   * The event's progress, or empty when it is not a binary-mode executor event.
   *
   * @param type the record's {@code ce_type} header, null when it has none
   * @throws IllegalArgumentException naming the field and the rule an event breaks (a {@code
   *     content-type} header without a value among them)
   */
  static Optional<AdmissionCommand.Progress> progress(
      String key, String type, Headers headers, byte[] value) {
    if (type == null || !EXECUTOR_TYPES.contains(type)) {
      return Optional.empty();
    }
    return LifecycleFields.read(key, type, headers, value).map(ExecutorEvents::progressOf);
  }

  /** What admission uses of an executor event's fields, however they were read. */
  static AdmissionCommand.Progress progressOf(LifecycleFields fields) {
    return new AdmissionCommand.Progress(
        fields.tenantId(),
        fields.faultId(),
        fields.accountId(),
        fields.sequence(),
        fields.stage().isTerminal());
  }
}
