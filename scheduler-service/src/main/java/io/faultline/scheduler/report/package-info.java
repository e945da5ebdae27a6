/**
 * The report of one run (issue 15): its hypothesis, verdict, waves, faults with their outcomes,
 * lifecycle timeline, trace ids and probe readings, as JSON or as a self-contained HTML page whose
 * server-drawn SVG plots the readings over the timeline.
 */
package io.faultline.scheduler.report;
