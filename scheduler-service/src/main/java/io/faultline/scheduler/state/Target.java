package io.faultline.scheduler.state;

/** Where an experiment's faults run: one registered account in one region. */
public record Target(String accountId, String region) {}
