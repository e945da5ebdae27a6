/**
 * Real infrastructure for tests (a Kafka broker, moto's AWS server, Zipkin's server) and the
 * architecture rules the modules share.
 */
package io.faultline.testsupport;
