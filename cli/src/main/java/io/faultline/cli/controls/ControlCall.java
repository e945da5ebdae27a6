package io.faultline.cli.controls;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.cli.CliException;
import io.faultline.cli.Environment;
import io.faultline.cli.ExitCode;
import io.faultline.cli.PlatformOptions;
import io.faultline.cli.Printer;
import io.faultline.cli.api.SchedulerClient;
import java.util.HashMap;
import java.util.Map;

/** A halt or resume through the scheduler's control API; prints the control it published. */
final class ControlCall {
  private static final int MAX_REASON = 500;

  private ControlCall() {}

  static int issue(
      String verb,
      ControlScope scope,
      String reason,
      PlatformOptions platform,
      Environment env,
      Printer printer) {
    if (reason != null && reason.length() > MAX_REASON) {
      throw new CliException(
          ExitCode.USAGE,
          "--reason is " + reason.length() + " characters; at most 500 (rule: maxLength)");
    }
    SchedulerClient client = platform.client(env);
    String path =
        scope.platform
            ? "/api/v1/platform/" + verb
            : "/api/v1/tenants/" + SchedulerClient.segment(scope.tenant) + "/" + verb;
    String target = scope.platform ? "the platform" : "tenant " + scope.tenant;
    Map<String, Object> body = new HashMap<>();
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode issued = client.post(verb + " of " + target, path, body);
    printer.result(
        issued.path("action").asText(verb.toUpperCase(java.util.Locale.ROOT))
            + " published for "
            + target
            + " (control "
            + issued.path("controlId").asText("?")
            + ")",
        issued);
    return ExitCode.OK.code();
  }
}
