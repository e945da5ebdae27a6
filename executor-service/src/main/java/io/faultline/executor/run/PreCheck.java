package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TransportException;
import io.opentelemetry.api.common.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SSM-online pre-check (when enforced): only targets whose SSM agent is registered and online
 * go on, the others are reported skipped, and a fault whose targets cannot be confirmed fails
 * closed. One {@code fault.pre-check} span.
 */
final class PreCheck {
  private static final AttributeKey<String> MODE =
      AttributeKey.stringKey("faultline.pre_check.ssm_online");

  /**
   * @param targets the targets that may be injected
   * @param refusal why the fault must fail with PRE_CHECK; null when it may go on
   */
  record Result(List<Target> targets, String refusal) {}

  private PreCheck() {}

  static Result run(
      RunSettings.Precheck mode,
      TargetDirectory directory,
      TargetResolution.Resolved resolved,
      FaultTrace trace,
      TargetLedger ledger) {
    try (FaultTrace.PhaseSpan p = trace.phase(FaultSpans.PRE_CHECK)) {
      p.span().setAttribute(MODE, mode.name().toLowerCase(Locale.ROOT));
      Result result =
          mode == RunSettings.Precheck.ENFORCE
              ? enforce(directory, resolved, ledger)
              : new Result(resolved.targets(), null);
      if (result.refusal() != null) {
        p.fail(FailureReason.PRE_CHECK, result.refusal());
      } else {
        p.span().setAttribute(FaultSpans.TARGET_COUNT, (long) result.targets().size());
      }
      return result;
    }
  }

  private static Result enforce(
      TargetDirectory directory, TargetResolution.Resolved resolved, TargetLedger ledger) {
    List<Target> chosen = resolved.targets();
    Set<String> online;
    try {
      online = directory.ssmOnline(chosen.stream().map(Target::id).toList());
    } catch (TransportException e) {
      ledger.reportAll(resolved.outcomes());
      return new Result(
          chosen,
          "cannot confirm the targets are SSM-managed and online (failing closed): "
              + e.getMessage());
    }
    List<Target> reachable = new ArrayList<>();
    for (Target target : chosen) {
      if (online.contains(target.id())) {
        reachable.add(target);
      } else {
        ledger.skip(target, "SSM agent not registered or not online");
      }
    }
    return new Result(reachable, reachable.isEmpty() ? "no target has an online SSM agent" : null);
  }
}
