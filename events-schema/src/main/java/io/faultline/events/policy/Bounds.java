package io.faultline.events.policy;

/** Blast-radius bounds a request must stay within. */
public record Bounds(int maxDurationSeconds, int maxAffectedPercent, int maxTargets) {}
