package io.faultline.executor.fault;

import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;

/**
 * A fault spec whose inject and rollback are the same document with {@code Action=inject} or {@code
 * Action=rollback}, the common parameters, and the fault's own document parameters. A document that
 * declares {@value #PROTECTED_DESTINATIONS} also gets the context's protected destinations,
 * comma-separated, so it can refuse a destination it only learns on the host (a resolved name).
 *
 * @param documentValues the fault type's document parameters (beyond the common ones)
 */
public record DocumentFaultSpec(
    TargetSelector selector,
    Timing timing,
    SsmDocument document,
    Map<String, String> documentValues)
    implements FaultSpec {
  /** The document parameter carrying {@link FaultContext#protectedDestinations()}. */
  public static final String PROTECTED_DESTINATIONS = "ProtectedDestinations";

  public DocumentFaultSpec {
    documentValues = Map.copyOf(documentValues);
  }

  @Override
  public DocumentCall inject(Target target, FaultContext context) {
    return call("inject", context);
  }

  @Override
  public DocumentCall rollback(Target target, FaultContext context) {
    return call("rollback", context);
  }

  private DocumentCall call(String action, FaultContext context) {
    Map<String, String> values = DocumentCall.common(action, context, timing);
    values.putAll(documentValues);
    if (document.parameters().containsKey(PROTECTED_DESTINATIONS)) {
      values.put(PROTECTED_DESTINATIONS, String.join(",", context.protectedDestinations()));
    }
    return new DocumentCall(document, values);
  }
}
