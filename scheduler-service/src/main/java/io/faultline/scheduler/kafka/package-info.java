/**
 * How the service talks to Kafka: every client is built here from Spring Boot's {@code
 * spring.kafka.*} properties (so security, SSL and SASL settings reach each of them), and every
 * reader counts the records it had to skip and reports whether it still runs.
 */
package io.faultline.scheduler.kafka;
