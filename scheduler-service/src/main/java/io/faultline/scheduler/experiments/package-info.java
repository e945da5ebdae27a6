/**
 * Experiments (templates): a fault type with tunables validated against the fault catalogue, a
 * hypothesis, stop conditions, targets and waves; and "run now".
 */
package io.faultline.scheduler.experiments;
