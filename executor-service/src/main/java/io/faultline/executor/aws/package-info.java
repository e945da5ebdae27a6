/**
 * Everything that talks to AWS (the SDK never leaves this package): per account-region STS
 * AssumeRole credentials cached and refreshed before expiry, EC2/ECS/SSM clients, and Resilience4j
 * around every call (retry with jittered backoff, a circuit breaker per account-region, an SSM rate
 * limiter per account, a bulkhead per tenant).
 */
package io.faultline.executor.aws;
