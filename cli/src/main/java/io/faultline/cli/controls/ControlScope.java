package io.faultline.cli.controls;

import picocli.CommandLine.Option;

/** Exactly one of {@code --tenant T} and {@code --platform}. */
final class ControlScope {
  @Option(
      names = "--tenant",
      required = true,
      paramLabel = "TENANT",
      description = "This tenant (tenant admin).")
  String tenant;

  @Option(
      names = "--platform",
      required = true,
      description = "Every tenant (platform admin: an admin token without a tenant).")
  boolean platform;
}
