/**
 * What the executor tells operators about itself: the tracer its fault spans are recorded with and
 * the Micrometer meters (faults in flight, phase durations, finished faults) the dashboard reads.
 * Names follow the shared design in the module README.
 */
package io.faultline.executor.observability;
