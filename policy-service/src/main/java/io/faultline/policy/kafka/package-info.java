/**
 * How the policy service talks to Kafka: every client (Streams, admin, producer) built in one place
 * on Spring Boot's {@code spring.kafka.*} configuration, and the Streams exception handlers that
 * count and skip poison records instead of stopping a stream thread.
 */
package io.faultline.policy.kafka;
