/**
 * Admission decisions: the approval the executor runs, rule outcomes and their stable reason codes.
 */
package io.faultline.events.decision;
