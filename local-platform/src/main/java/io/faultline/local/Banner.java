package io.faultline.local;

import io.faultline.events.catalogue.FaultCatalogue;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the launcher prints once the platform is up: its URLs, the demo tenant and a curl example.
 */
final class Banner {
  /** The first line of the banner: the platform is ready. */
  static final String READY = "Faultline is running locally";

  /** The lines between these markers are a shell snippet that runs the demo fault. */
  static final String EXAMPLE_START = "----- try it: paste into a shell (needs curl) -----";

  static final String EXAMPLE_END = "----- end of example -----";

  private Banner() {}

  static String compose(
      String bootstrap,
      int motoPort,
      int zipkinPort,
      Map<String, Integer> ports,
      Map<String, Integer> managementPorts,
      DemoTenant.Seeded demo,
      Path runDir) {
    String scheduler = "http://localhost:" + ports.get(FaultlineServices.SCHEDULER);
    String tenant = DemoTenant.TENANT;
    String nl = System.lineSeparator();
    String rule = "=".repeat(100);
    StringBuilder b = new StringBuilder();
    b.append(rule).append(nl);
    b.append(READY).append(" (Ctrl-C or SIGTERM stops everything)").append(nl);
    b.append(rule).append(nl);
    b.append(" scheduler API   ").append(scheduler).append("/api/v1").append(nl);
    b.append(" Swagger UI      ").append(scheduler).append("/swagger-ui.html").append(nl);
    b.append(" Zipkin (traces) http://localhost:").append(zipkinPort).append("/zipkin/").append(nl);
    // Actuator answers on each service's management port, apart from its API.
    String label = " Prometheus      ";
    for (Map.Entry<String, Integer> service : managementPorts.entrySet()) {
      b.append(label)
          .append("http://localhost:")
          .append(service.getValue())
          .append("/actuator/prometheus   (")
          .append(service.getKey())
          .append(")")
          .append(nl);
      label = " ".repeat(label.length());
    }
    b.append(" Kafka bootstrap ").append(bootstrap).append(nl);
    b.append(" AWS (moto)      http://127.0.0.1:")
        .append(motoPort)
        .append("   account ")
        .append(demo.account().accountId())
        .append(" ")
        .append(demo.account().region())
        .append(": ")
        .append(String.join(" ", demo.checkoutInstances()))
        .append(" (app=checkout), ")
        .append(String.join(" ", demo.otherInstances()))
        .append(" (app=payments)")
        .append(nl);
    b.append(" demo tenant     ")
        .append(tenant)
        .append(": account registered, policy allows every catalogue fault (")
        .append(FaultCatalogue.standard().types().size())
        .append(" types) any time")
        .append(nl);
    b.append(" logs            ").append(runDir).append("   (one file per process)");
    b.append(nl).append(nl);
    b.append(" A development token (local mode only; roles viewer, operator, admin):").append(nl);
    b.append("   curl -s -X POST ")
        .append(scheduler)
        .append("/dev/tokens -H 'content-type: application/json' \\")
        .append(nl)
        .append("     -d '{\"subject\":\"me\",\"tenantId\":\"")
        .append(tenant)
        .append("\",\"roles\":[\"admin\"]}'")
        .append(nl)
        .append(nl);
    b.append(example(scheduler, demo)).append(nl);
    return b.toString();
  }

  /** The demo as a shell snippet: token, experiment, run now, the run's state. */
  static String example(String scheduler, DemoTenant.Seeded demo) {
    String tenant = DemoTenant.TENANT;
    String api = scheduler + "/api/v1/tenants/" + tenant;
    String auth = "-H \"authorization: Bearer $TOKEN\"";
    String experiment =
        "{\"name\":\"checkout loses a process\",\"faultType\":\"ec2-process-kill\","
            + "\"hypothesis\":\"checkout keeps serving when a process dies on every instance\","
            + "\"parameters\":{\"PROCESS_IDS\":\"4242\",\"EC2_INSTANCE_TAG\":\""
            + DemoTenant.TARGET_TAG
            + "\",\"INSTANCE_AFFECTED_PERC\":100,\"TOTAL_CHAOS_DURATION\":5},"
            + "\"targets\":[{\"accountId\":\""
            + demo.account().accountId()
            + "\",\"region\":\""
            + demo.account().region()
            + "\"}]}";
    return String.join(
        System.lineSeparator(),
        EXAMPLE_START,
        "# 1. a development token for tenant " + tenant,
        "TOKEN=$(curl -sf -X POST "
            + scheduler
            + "/dev/tokens -H 'content-type: application/json' \\",
        "  -d '{\"subject\":\"me\",\"tenantId\":\""
            + tenant
            + "\",\"roles\":[\"admin\"]}' | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/')",
        "# 2. an experiment: kill (made-up) PID 4242 on every instance tagged "
            + DemoTenant.TARGET_TAG.replace(':', '=')
            + ", for 5 s",
        "EXPERIMENT=$(curl -sf -X POST " + api + "/experiments " + auth + " \\",
        "  -H 'content-type: application/json' \\",
        "  -d '" + experiment + "' \\",
        "  | sed -E 's/.*\"experimentId\":\"([^\"]+)\".*/\\1/')",
        "# 3. run it now",
        "RUN=$(curl -sf -X POST "
            + api
            + "/experiments/$EXPERIMENT/runs "
            + auth
            + " | sed -E 's/.*\"runId\":\"([^\"]+)\".*/\\1/')",
        "# 4. wait until the run ends (~10 s), then show it: status COMPLETED, its waves, faults",
        "#    and lifecycle timeline (its trace: Zipkin, tag faultline.run.id=$RUN)",
        "until curl -sf " + api + "/runs/$RUN " + auth + " \\",
        "  | grep -Eq '^\\{[^{]*\"status\":\"(COMPLETED|FAILED|ABORTED)\"'; do sleep 1; done",
        "curl -s " + api + "/runs/$RUN " + auth + "; echo",
        EXAMPLE_END);
  }
}
