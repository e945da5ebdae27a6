package io.faultline.executor.fault;

import io.faultline.executor.fault.document.SsmDocument;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs SSM documents on instances: SSM Run Command in a tenant account, or the same documents on
 * this host. Every method may throw {@link TransportException}.
 */
public interface CommandTransport {
  /**
   * Makes the document available under its content-hashed version (create or update) and returns
   * the version to run. Idempotent and cached per account and region.
   */
  DocumentVersion ensureDocument(SsmDocument document);

  /**
   * Sends one command to at most 50 instances.
   *
   * @param comment a short, non-secret comment (carries the trace id)
   * @param deliveryTimeout how long the command may wait to be delivered to an instance; not
   *     delivered by then, it never runs there (SSM's {@code TimeoutSeconds}, 30 s to 30 days). A
   *     transport that delivers at once may ignore it
   * @return the command id
   */
  String send(
      DocumentVersion document,
      List<String> instanceIds,
      Map<String, String> parameters,
      String comment,
      Duration deliveryTimeout);

  /** The current state of the command on one instance (pending while it is not known yet). */
  Invocation invocation(String commandId, String instanceId);

  /**
   * Asks to cancel a command on the given instances, where it has not ended yet (it may still end
   * with success: the cancel and its end race). Its invocations there end {@link
   * Invocation.Status#CANCELLED} once the cancel took effect.
   *
   * @throws TransportException when the endpoint refuses (moto answers CancelCommand with HTTP 500)
   */
  void cancel(String commandId, List<String> instanceIds);

  /** The most instances one command may address. */
  int MAX_INSTANCES_PER_COMMAND = 50;

  /** A document version that can be run. */
  record DocumentVersion(String name, String version) {}

  /** One command on one instance. */
  record Invocation(Status status, String output) {
    public Invocation {
      output = output == null ? "" : output;
    }

    /** The state, folded to what the runner needs. */
    public enum Status {
      PENDING,
      SUCCESS,
      FAILED,
      CANCELLED,
      TIMED_OUT;

      public boolean done() {
        return this != PENDING;
      }
    }
  }
}
