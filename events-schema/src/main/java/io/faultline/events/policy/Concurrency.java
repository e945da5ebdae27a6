package io.faultline.events.policy;

/** How many of a tenant's faults may be active at once, in total and per account. */
public record Concurrency(int maxActiveFaults, int maxActiveFaultsPerAccount) {}
