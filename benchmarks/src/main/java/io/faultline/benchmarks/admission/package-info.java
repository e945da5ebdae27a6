/**
 * P1: the policy service's decisions/s (exactly-once, as deployed, signed requests) with 1, 2 and 3
 * instances from their boot jar, its latency at fixed rates, CPU seconds per 1,000 decisions of the
 * policy processes and of the broker (each a child JVM), beside a plain consume-produce pipe on the
 * same broker. The service is reached only through Kafka topics and HTTP.
 */
package io.faultline.benchmarks.admission;
