/**
 * The admission rules: pure functions from a request, its tenant's policy, the halt switches and
 * the currently active faults to every rule outcome with its stable reason code. No Kafka in here.
 */
package io.faultline.policy.rules;
