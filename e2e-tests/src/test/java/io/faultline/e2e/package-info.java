/**
 * End-to-end tests: the services run from their boot jars as child processes against a real broker,
 * moto and Zipkin, and each fault's trace is asserted through Zipkin's HTTP API.
 */
package io.faultline.e2e;
