package io.faultline.executor.fault;

/** One account and region, as a fault sees it: a directory of targets and a command transport. */
public interface AccountSession extends TargetDirectory, CommandTransport {}
