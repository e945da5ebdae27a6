package io.faultline.executor.aws;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every AWS request the executor sends, as the SDK built it (service, operation, fields),
 * so tests can assert on what was sent rather than on what an emulator answers. Also counts calls
 * for the benchmark. Requests are recorded before signing; no credential is ever recorded.
 */
public final class RequestRecorder {
  private final ConcurrentLinkedQueue<SentRequest> sent = new ConcurrentLinkedQueue<>();
  private final boolean keepFields;

  /** Records every request with its fields. */
  public RequestRecorder() {
    this(true);
  }

  /**
   * @param keepFields false to keep only service and operation (cheap, for counting)
   */
  public RequestRecorder(boolean keepFields) {
    this.keepFields = keepFields;
  }

  /**
   * One request as sent.
   *
   * @param sentAt when the SDK began executing it (before signing and the HTTP call)
   */
  public record SentRequest(
      String service,
      String operation,
      String account,
      String region,
      Map<String, Object> fields,
      Instant sentAt) {
    /** A field by its AWS name, e.g. {@code InstanceIds}. */
    public Object field(String name) {
      return fields.get(name);
    }
  }

  public List<SentRequest> sent() {
    return List.copyOf(sent);
  }

  public List<SentRequest> sent(String operation) {
    return sent.stream().filter(r -> r.operation().equals(operation)).toList();
  }

  public void clear() {
    sent.clear();
  }

  /** The requests sent into one account (STS calls made with base credentials have none). */
  public List<SentRequest> sent(String operation, String account) {
    return sent.stream()
        .filter(r -> r.operation().equals(operation) && account.equals(r.account()))
        .toList();
  }

  ExecutionInterceptor interceptor(String account, String region) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        Map<String, Object> fields = new LinkedHashMap<>();
        if (keepFields) {
          request
              .sdkFields()
              .forEach(
                  f -> {
                    Object value = f.getValueOrDefault(request);
                    if (value != null) {
                      fields.put(f.memberName(), value);
                    }
                  });
        }
        sent.add(
            new SentRequest(
                attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                account,
                region,
                fields,
                Instant.now()));
      }
    };
  }
}
