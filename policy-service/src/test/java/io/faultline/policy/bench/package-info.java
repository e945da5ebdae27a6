/**
 * JMH benchmarks of the policy service's hot paths, run only through the {@code bench} profile
 * (never as tests).
 */
package io.faultline.policy.bench;
