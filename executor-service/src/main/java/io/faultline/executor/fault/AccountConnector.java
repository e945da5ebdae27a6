package io.faultline.executor.fault;

/**
 * Opens a session in one tenant account and region. The AWS implementation assumes the tenant's
 * role (cached per account, region and tenant); the local one acts on this host.
 *
 * <p>Contract: thread-safe; never logs or returns the external id or any credential.
 */
public interface AccountConnector {
  /**
   * @throws TransportException when the account cannot be reached (e.g. AssumeRole is denied)
   */
  AccountSession connect(AccountRequest request);
}
