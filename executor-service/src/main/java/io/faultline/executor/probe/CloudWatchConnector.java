package io.faultline.executor.probe;

import io.faultline.executor.fault.AccountRequest;

/**
 * Opens CloudWatch readers in tenant accounts through the same assumed-role path as faults (ADR
 * 0010: the tenant's registered role, its external id, the session tags; never the platform's own
 * credentials). Thread-safe; never logs the external id.
 */
public interface CloudWatchConnector {
  /**
   * @throws io.faultline.executor.fault.TransportException when the account cannot be reached
   */
  CloudWatchReader cloudWatch(AccountRequest request);
}
