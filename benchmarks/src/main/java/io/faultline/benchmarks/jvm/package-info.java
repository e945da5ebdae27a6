/**
 * The drivers' processes: the broker and this module's mains in child JVMs, the services from their
 * boot jars with the deployed image's JVM options, each one's CPU read from {@code /proc}, and the
 * drivers' waits. Shared by every figure's driver.
 */
package io.faultline.benchmarks.jvm;
