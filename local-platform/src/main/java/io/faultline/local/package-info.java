/**
 * The platform on one machine: an in-JVM KRaft broker, moto, Zipkin and the three services' boot
 * jars as child processes, with a demo tenant ({@link io.faultline.local.LocalPlatform}); the same
 * process harness serves the end-to-end tests.
 */
package io.faultline.local;
