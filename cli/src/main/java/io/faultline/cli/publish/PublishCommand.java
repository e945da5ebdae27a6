package io.faultline.cli.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.cli.CliException;
import io.faultline.cli.Environment;
import io.faultline.cli.ExitCode;
import io.faultline.cli.Faultline;
import io.faultline.cli.OutputOption;
import io.faultline.cli.Printer;
import io.faultline.events.client.FaultRequestPublisher;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code faultline publish}: one fault request on the requests topic, through events-schema's
 * {@link FaultRequestPublisher} (validated before it leaves, idempotent by fault id, signed when a
 * key is configured).
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes one fault request to Kafka (faultline.fault-requests.v1) as other platforms do,"
          + " and prints its fault id. The request comes from --file (fault-requested.v1 JSON) and"
          + " the flags, which win; faultId, requestedAt and requestedBy are filled in when left"
          + " out. Signed with the tenant's publisher key when one is configured (ADR 0008)."
    })
public final class PublishCommand implements Callable<Integer> {
  static final URI SOURCE = URI.create("/faultline-cli");
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand Faultline root;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin OutputOption output;

  @Mixin KafkaOptions kafka;

  @Mixin SigningOptions signing;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "The request as JSON (fault-requested.v1 data).")
  Path file;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "tenantId")
  String tenant;

  @Option(
      names = "--fault-type",
      paramLabel = "TYPE",
      description = "faultType, e.g. ec2-process-kill")
  String faultType;

  @Option(names = "--account", paramLabel = "ACCOUNT", description = "accountId (12 digits)")
  String account;

  @Option(names = "--region", paramLabel = "REGION", description = "region, e.g. eu-west-1")
  String region;

  @Option(
      names = {"-p", "--param"},
      paramLabel = "NAME=VALUE",
      description = "A tunable (repeatable), e.g. -p PROCESS_IDS=4242")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Option(
      names = "--fault-id",
      paramLabel = "ID",
      description = "faultId, the idempotency key (default: cli-<uuid>)")
  String faultId;

  @Option(names = "--experiment", paramLabel = "ID", description = "experimentId")
  String experimentId;

  @Option(names = "--run", paramLabel = "ID", description = "runId")
  String runId;

  @Option(names = "--dry-run", description = "dryRun: resolve targets and decide, inject nothing")
  boolean dryRun;

  @Option(names = "--reason", paramLabel = "TEXT", description = "reason, shown in timelines")
  String reason;

  @Option(
      names = "--requested-by",
      paramLabel = "WHO",
      description = "requestedBy (default: $USER via faultline-cli)")
  String requestedBy;

  @Override
  public Integer call() {
    Environment env = root.env();
    // Usage errors (secrets on the command line, an unreadable config) before the request's own.
    Map<String, Object> config = kafka.producerConfig(env);
    FaultRequested request =
        RequestDocument.of(file)
            .set("tenantId", tenant)
            .set("faultType", faultType)
            .set("accountId", account)
            .set("region", region)
            .set("faultId", faultId)
            .set("experimentId", experimentId)
            .set("runId", runId)
            .set("reason", reason)
            .set("requestedBy", requestedBy)
            .dryRun(dryRun)
            .parameters(parameters)
            .withDefaults(
                env.get("USER").map(u -> u + " via faultline-cli").orElse("faultline-cli"),
                Clock.systemUTC())
            .validate();
    Optional<RequestSigner> signer = signing.signer(env, request.tenantId().value());
    Printer printer =
        new Printer(output.format(), spec.commandLine().getOut(), spec.commandLine().getErr());
    if (signer.isEmpty()) {
      printer.note(
          "faultline: the request is not signed (no --signing-key): a tenant that requires signed"
              + " requests (the default) refuses it into the dead-letter topic");
    }
    RecordMetadata sent = send(request, signer, config);
    var json =
        JSON.createObjectNode()
            .put("faultId", request.faultId().value())
            .put("tenantId", request.tenantId().value())
            .put("topic", sent.topic())
            .put("partition", sent.partition())
            .put("offset", sent.offset())
            .put("signed", signer.isPresent());
    printer.note(
        "published fault "
            + request.faultId()
            + " of tenant "
            + request.tenantId()
            + " to "
            + sent.topic()
            + " (partition "
            + sent.partition()
            + ", offset "
            + sent.offset()
            + (signer.map(s -> "), signed with " + s.keyId()).orElse("), unsigned")));
    printer.result(request.faultId().value(), json);
    return ExitCode.OK.code();
  }

  private RecordMetadata send(
      FaultRequested request, Optional<RequestSigner> signer, Map<String, Object> config) {
    try (FaultRequestPublisher connected = FaultRequestPublisher.connect(config, SOURCE)) {
      FaultRequestPublisher publisher = signer.map(connected::signedBy).orElse(connected);
      return publisher
          .publish(request)
          .get(kafka.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new CliException(
          ExitCode.UNAVAILABLE,
          "Kafka at "
              + config.get("bootstrap.servers")
              + " did not take the request to "
              + Topics.FAULT_REQUESTS.name()
              + ": "
              + cause.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted while publishing");
    }
  }
}
