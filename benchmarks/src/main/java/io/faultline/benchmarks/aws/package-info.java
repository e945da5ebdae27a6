/**
 * BENCHMARK ONLY — a fast in-process HTTP stub of the few AWS calls a fault and a CloudWatch probe
 * make, recording each call's operation and arrival time, so figures measure Faultline rather than
 * moto's few calls per second. Not an emulator.
 */
package io.faultline.benchmarks.aws;
