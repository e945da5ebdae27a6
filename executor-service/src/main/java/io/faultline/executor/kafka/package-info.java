/**
 * Builds every Kafka client of the executor from the deployment's settings, so a secured cluster
 * (TLS, SASL/SCRAM, MSK IAM) needs configuration only.
 */
package io.faultline.executor.kafka;
