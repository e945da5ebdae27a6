package io.faultline.executor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.executor.TestFaults;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport.DocumentVersion;
import io.faultline.executor.fault.CommandTransport.Invocation;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.run.FaultRunner;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.LoopbackPorts;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DocumentFormat;
import software.amazon.awssdk.services.ssm.model.DocumentType;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Deploys {@code deploy/iam/hub-role.yaml} and {@code target-role.yaml} into moto through
 * CloudFormation, turns moto's IAM enforcement on, and drives every AWS operation of {@link
 * AwsAccountSession} with the hub role as base credentials and the target role assumed through it.
 * A missing action fails it; a copy of the template without one action makes that call fail. Two
 * faults also run end to end through {@link FaultRunner} with these roles.
 *
 * <p>moto checks the action of each call and, for AssumeRole, the role ARN against the hub role's
 * resources; for every other call it matches the policy's {@code Resource} against "*", so the
 * target template's resource-scoped statements are deployed here with "*" (reviewed in
 * deploy/iam/README.md instead).
 */
class IamTemplatesIT {
  private static final String REGION = "eu-west-1";
  private static final String HUB_ACCOUNT = "123456789012";
  private static final String EXTERNAL_ID = "ext-iam-tenant-secret";
  private static final String HUB_ROLE = "arn:aws:iam::" + HUB_ACCOUNT + ":role/faultline-executor";
  private static final String CLUSTER = "iam-cluster";
  private static final String UPDATED_TYPE = "ecs-agent-stop";
  private static final String CREATED_TYPE = "ec2-process-kill";

  private static final String HUB_WITHOUT_ASSUME = "faultline-executor-without-assume";

  private static Process moto;
  private static URI endpoint;
  private static AwsCredentialsProvider hub;
  private static AwsCredentialsProvider hubWithoutAssume;

  /** Account with the full target role, then one account per action left out of the role. */
  private static String fullAccount;

  private static final Map<String, String> accountWithout = new LinkedHashMap<>();
  private static final Map<String, List<String>> instances = new LinkedHashMap<>();
  private static final Map<String, String> previous = new LinkedHashMap<>();
  private static AwsAccountConnector connector;
  private static long nextAccount = 222_000_000_000L + (System.nanoTime() % 1_000_000) * 100;

  @BeforeAll
  static void deployTemplatesAndEnforceIam() throws Exception {
    startMoto();
    var admin = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIAMADMIN", "x"));
    try (var cfn = cloudFormation(admin)) {
      createStack(
          cfn,
          "faultline-hub",
          Files.readString(IamTemplates.DIR.resolve("hub-role.yaml")),
          Map.of("TrustedPrincipalArn", "arn:aws:iam::" + HUB_ACCOUNT + ":root"));
      Map<String, Object> withoutAssume = IamTemplates.load("hub-role.yaml");
      for (Map<String, Object> statement :
          IamTemplates.statements(withoutAssume, "HubPermissions")) {
        List<String> actions = new ArrayList<>(IamTemplates.list(statement.get("Action")));
        actions.remove("sts:AssumeRole");
        statement.put("Action", actions);
      }
      createStack(
          cfn,
          "faultline-hub-without-assume",
          IamTemplates.dump(withoutAssume),
          Map.of(
              "TrustedPrincipalArn",
              "arn:aws:iam::" + HUB_ACCOUNT + ":root",
              "RoleName",
              HUB_WITHOUT_ASSUME));
      // The IRSA variant (not assumed here: moto has no EKS web identity) must deploy too.
      createStack(
          cfn,
          "faultline-hub-irsa",
          Files.readString(IamTemplates.DIR.resolve("hub-role.yaml")),
          Map.of(
              "RoleName",
              "faultline-executor-irsa",
              "OidcProviderArn",
              "arn:aws:iam::"
                  + HUB_ACCOUNT
                  + ":oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EX",
              "OidcIssuer",
              "oidc.eks.eu-west-1.amazonaws.com/id/EX"));
    }
    fullAccount = deployTarget(null);
    for (String action : leftOut()) {
      accountWithout.put(action, deployTarget(action));
    }
    hub = assume(admin, HUB_ROLE, null);
    hubWithoutAssume =
        assume(admin, "arn:aws:iam::" + HUB_ACCOUNT + ":role/" + HUB_WITHOUT_ASSUME, null);
    // From here on every call is checked against the caller's IAM policies.
    post("/moto-api/reset-auth", "0");
    for (String property : List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken")) {
      previous.put(property, System.getProperty(property));
    }
    // TestFaults' approvals name MotoAccounts, whose first use sets fixture base credentials:
    // initialise it now, so the hub role's credentials below are the ones the executor uses.
    MotoAccounts.freshAccount();
    var base = (AwsSessionCredentials) hub.resolveCredentials();
    System.setProperty("aws.accessKeyId", base.accessKeyId());
    System.setProperty("aws.secretAccessKey", base.secretAccessKey());
    System.setProperty("aws.sessionToken", base.sessionToken());
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(endpoint)
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            null);
  }

  @AfterAll
  static void stop() {
    if (connector != null) {
      connector.close();
    }
    previous.forEach(
        (k, v) -> {
          if (v == null) {
            System.clearProperty(k);
          } else {
            System.setProperty(k, v);
          }
        });
    if (moto != null) {
      moto.destroy();
    }
  }

  @Test
  void theTargetRoleCarriesEveryCallOfAFault() {
    AccountSession session = connector.connect(request(fullAccount));
    List<String> ids = instances.get(fullAccount);

    Set<String> denied = new TreeSet<>();
    every(session, ids, denied::add);

    assertThat(denied).isEmpty();
  }

  @Test
  void faultsRunToCompletionWithTheDeployedRoles() {
    TestFaults.createTopics();
    try (LifecycleTap lifecycle = new LifecycleTap();
        FaultLedger ledger =
            new FaultLedger(TestKafka.bootstrapServers(), TestFaults.unique("iam-it-tx"));
        FaultRunner runner =
            new FaultRunner(
                FaultRegistry.discover(),
                connector,
                ledger,
                new Controls(),
                // moto does not implement DescribeInstanceInformation (its permission is shown
                // above).
                RunSettings.defaults()
                    .withPrecheck(RunSettings.Precheck.SKIP)
                    .withPolling(Duration.ofMillis(50), Duration.ofMillis(200)),
                "iam-it")) {
      String instance = instances.get(fullAccount).getFirst();
      Map<String, Map<String, ?>> faults =
          Map.of(
              "ec2-process-kill",
              Map.of("PROCESS_IDS", "4321", "EC2_INSTANCE_ID", instance, "TOTAL_CHAOS_DURATION", 1),
              "ecs-agent-stop",
              Map.of("CLUSTER_NAME", CLUSTER, "TOTAL_CHAOS_DURATION", 1));
      for (var fault : faults.entrySet()) {
        String faultId = TestFaults.unique("f-iam");
        runner.start(
            TestFaults.approval(
                faultId,
                "tenant-iam",
                fullAccount,
                fault.getKey(),
                fault.getValue(),
                false,
                ProtectedTargetGuard.none(),
                5),
            0,
            0,
            TestFaults.traceparent());

        FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(60));
        assertThat(end.stage())
            .as(fault.getKey() + ": " + end.detail())
            .isEqualTo(LifecycleStage.COMPLETED);
        assertThat(lifecycle.stages(faultId))
            .containsExactly(
                LifecycleStage.STARTED,
                LifecycleStage.TARGETS_RESOLVED,
                LifecycleStage.INJECTED,
                LifecycleStage.ROLLING_BACK,
                LifecycleStage.COMPLETED);
      }

      // The same fault where the role lacks ssm:SendCommand: the inject is refused and so is the
      // rollback the executor sends after it, which is what the fault ends with.
      String refused = TestFaults.unique("f-iam-refused");
      String account = accountWithout.get("ssm:SendCommand");
      runner.start(
          TestFaults.approval(
              refused,
              "tenant-iam",
              account,
              "ec2-process-kill",
              Map.of(
                  "PROCESS_IDS",
                  "4321",
                  "EC2_INSTANCE_ID",
                  instances.get(account).getFirst(),
                  "TOTAL_CHAOS_DURATION",
                  1),
              false,
              ProtectedTargetGuard.none(),
              5),
          0,
          0,
          TestFaults.traceparent());
      FaultLifecycleEvent end = lifecycle.awaitTerminal(refused, Duration.ofSeconds(60));
      assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
      assertThat(end.reason()).isEqualTo(FailureReason.ROLLBACK);
      assertThat(lifecycle.stages(refused)).doesNotContain(LifecycleStage.INJECTED);
    }
  }

  @Test
  void callsOutsideTheTemplateAreDenied() {
    var target = assume(hub, roleArn(fullAccount), EXTERNAL_ID);
    try (Ec2Client ec2 = client(Ec2Client.builder(), target)) {
      assertThatThrownBy(
              () -> ec2.terminateInstances(b -> b.instanceIds(instances.get(fullAccount))))
          .isInstanceOf(Ec2Exception.class)
          .satisfies(e -> assertThat(denied(e)).isTrue());
    }
    // The hub role itself may do nothing but assume target roles.
    try (Ec2Client ec2 = client(Ec2Client.builder(), hub)) {
      assertThatThrownBy(() -> ec2.describeInstances())
          .satisfies(e -> assertThat(denied(e)).isTrue());
    }
  }

  @Test
  void theHubRoleAssumesOnlyTargetRolesAndOnlyWithItsPolicy() {
    assertThat(assume(hub, roleArn(fullAccount), EXTERNAL_ID).resolveCredentials()).isNotNull();
    // moto matches AssumeRole's role ARN against the policy's resource: another role name is
    // refused.
    assertThatThrownBy(
            () -> assume(hub, "arn:aws:iam::" + fullAccount + ":role/operator", EXTERNAL_ID))
        .satisfies(e -> assertThat(denied(e)).isTrue());
    assertThatThrownBy(() -> assume(hubWithoutAssume, roleArn(fullAccount), EXTERNAL_ID))
        .satisfies(e -> assertThat(denied(e)).isTrue());
  }

  static List<String> leftOut() {
    // moto 5.2.1 does not route CloudWatch's RPC v2 CBOR protocol, which the SDK speaks, and its
    // IAM enforcement would check the signature a protocol bridge cannot keep: the CloudWatch
    // actions are kept equal to the calls by IamTemplateActionsTest only (README).
    return IamTemplates.calledTargetOperations().stream()
        .filter(a -> !a.startsWith("cloudwatch:"))
        .toList();
  }

  @ParameterizedTest
  @MethodSource("leftOut")
  void aRoleWithoutOneActionFailsExactlyThatCall(String action) {
    String account = accountWithout.get(action);
    AccountSession session = connector.connect(request(account));

    Set<String> denied = new TreeSet<>();
    every(session, instances.get(account), denied::add);

    assertThat(denied).containsExactly(action);
  }

  /**
   * Drives every operation the executor makes in a tenant account through its session, in a fault's
   * order, and reports each call IAM refused. moto answers HTTP 500 for the two operations it does
   * not implement and 400 for an unknown command: reaching either answer means IAM let the call
   * through.
   */
  private static void every(AccountSession session, List<String> ids, Consumer<String> onDenied) {
    Map<String, Runnable> steps = new LinkedHashMap<>();
    steps.put("targets by id", () -> assertThat(session.instances(ids)).hasSize(1));
    steps.put(
        "missing cluster", () -> assertThat(session.clusterMembers("no-such-cluster")).isEmpty());
    steps.put(
        "cluster members",
        () ->
            assertThat(session.clusterMembers(CLUSTER).orElseThrow())
                .singleElement()
                .satisfies(m -> assertThat(m.ec2InstanceId()).isEqualTo(ids.getFirst())));
    steps.put("pre-check", () -> notImplementedByMoto(() -> session.ssmOnline(ids)));
    steps.put(
        "document update", () -> session.ensureDocument(SsmDocument.forFaultType(UPDATED_TYPE)));
    steps.put(
        "document creation", () -> session.ensureDocument(SsmDocument.forFaultType(CREATED_TYPE)));
    steps.put(
        "command",
        () -> {
          String commandId =
              session.send(
                  new DocumentVersion(SsmDocument.forFaultType(UPDATED_TYPE).name(), "1"),
                  ids,
                  Map.of("Action", "inject", "FaultId", "f-iam", "DurationSeconds", "5"),
                  "faultline iam",
                  Duration.ofSeconds(60));
          assertThat(session.invocation(commandId, ids.getFirst()).status())
              .isEqualTo(Invocation.Status.SUCCESS);
          notImplementedByMoto(() -> session.cancel(commandId, ids));
        });
    for (var step : steps.entrySet()) {
      try {
        step.getValue().run();
      } catch (TransportException e) {
        if (!denied(e)) {
          throw new AssertionError(step.getKey() + " failed for another reason than IAM", e);
        }
        onDenied.accept(deniedOperation(e));
      }
    }
  }

  /** AccessDenied (query protocols) or a bare HTTP 403 (moto's answer on JSON protocols). */
  static boolean denied(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
          && (aws.statusCode() == 403 || AwsErrors.accessDenied(aws))) {
        return true;
      }
    }
    return false;
  }

  private static String deniedOperation(TransportException e) {
    // The session names the operation first: "ssm:UpdateDocument failed in …".
    return e.getMessage().substring(0, e.getMessage().indexOf(' '));
  }

  private static void notImplementedByMoto(Runnable call) {
    try {
      call.run();
    } catch (TransportException e) {
      if (denied(e)) {
        throw e;
      }
      assertThat(e.getMessage()).contains("HTTP 500");
    }
  }

  private static AccountRequest request(String account) {
    return new AccountRequest(
        FaultId.of("f-iam-" + account),
        TenantId.of("tenant-iam"),
        ExperimentId.of("exp-iam"),
        AccountId.of(account),
        AwsRegion.of(REGION),
        new AccountAccess(roleArn(account), EXTERNAL_ID));
  }

  private static String roleArn(String account) {
    return "arn:aws:iam::" + account + ":role/faultline-target";
  }

  /**
   * A tenant account with the target role (without {@code leftOut}, if given), an instance, a
   * cluster and an older document. Every {@code Resource} becomes "*": moto cannot match ARNs.
   */
  private static String deployTarget(String leftOut) {
    String account = Long.toString(++nextAccount);
    var operator =
        assume(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIAMADMIN", "x")),
            "arn:aws:iam::" + account + ":role/operator",
            null);
    Map<String, Object> template = IamTemplates.load("target-role.yaml");
    for (Map<String, Object> statement : IamTemplates.statements(template, "TargetPermissions")) {
      statement.put("Resource", "*");
      if (leftOut != null) {
        List<String> actions = new ArrayList<>(IamTemplates.list(statement.get("Action")));
        actions.remove(leftOut);
        // A statement needs an action: one the executor never calls.
        statement.put("Action", actions.isEmpty() ? List.of("ec2:DescribeTags") : actions);
      }
    }
    try (var cfn = cloudFormation(operator);
        Ec2Client ec2 = client(Ec2Client.builder(), operator);
        EcsClient ecs = client(EcsClient.builder(), operator);
        SsmClient ssm = client(SsmClient.builder(), operator)) {
      createStack(
          cfn,
          "faultline-target",
          IamTemplates.dump(template),
          Map.of("HubRoleArn", HUB_ROLE, "ExternalId", EXTERNAL_ID));
      String id =
          ec2.runInstances(
                  b ->
                      b.imageId("ami-12c6146b")
                          .instanceType(InstanceType.T3_MICRO)
                          .minCount(1)
                          .maxCount(1))
              .instances()
              .getFirst()
              .instanceId();
      instances.put(account, List.of(id));
      ecs.createCluster(b -> b.clusterName(CLUSTER));
      ecs.registerContainerInstance(
          b ->
              b.cluster(CLUSTER)
                  .instanceIdentityDocument(
                      "{\"instanceId\":\"" + id + "\",\"region\":\"" + REGION + "\"}"));
      // An older version of one document, so ensureDocument takes the UpdateDocument path for it.
      ssm.createDocument(
          b ->
              b.name(SsmDocument.forFaultType(UPDATED_TYPE).name())
                  .content(
                      "{\"schemaVersion\":\"2.2\",\"description\":\"old\",\"mainSteps\":[{\"action\":\"aws:runShellScript\",\"name\":\"old\",\"inputs\":{\"runCommand\":[\"true\"]}}]}")
                  .documentType(DocumentType.COMMAND)
                  .documentFormat(DocumentFormat.JSON));
    }
    return account;
  }

  private static void createStack(
      CloudFormationClient cfn, String name, String body, Map<String, String> parameters) {
    cfn.createStack(
        b ->
            b.stackName(name)
                .templateBody(body)
                .capabilities(Capability.CAPABILITY_NAMED_IAM)
                .parameters(
                    parameters.entrySet().stream()
                        .map(
                            e ->
                                Parameter.builder()
                                    .parameterKey(e.getKey())
                                    .parameterValue(e.getValue())
                                    .build())
                        .toList()));
    var stack = cfn.describeStacks(b -> b.stackName(name)).stacks().getFirst();
    assertThat(stack.stackStatus())
        .as(name + ": " + stack.stackStatusReason())
        .isEqualTo(StackStatus.CREATE_COMPLETE);
  }

  private static AwsCredentialsProvider assume(
      AwsCredentialsProvider as, String role, String externalId) {
    try (StsClient sts = client(StsClient.builder(), as)) {
      var c =
          sts.assumeRole(b -> b.roleArn(role).roleSessionName("iam-test").externalId(externalId))
              .credentials();
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }
  }

  private static CloudFormationClient cloudFormation(AwsCredentialsProvider credentials) {
    return client(CloudFormationClient.builder(), credentials);
  }

  private static <
          B extends
              software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>
                  & software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>,
          C>
      C client(B builder, AwsCredentialsProvider credentials) {
    return builder
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(credentials)
        .build();
  }

  /** A moto of this class's own: enforcement is server-wide, so it must not be the shared one. */
  private static void startMoto() throws IOException, InterruptedException {
    int port = LoopbackPorts.free();
    if (LoopbackPorts.listening(port)) {
      throw new IllegalStateException("port " + port + " is taken");
    }
    Path log = Files.createTempFile("moto-iam-", ".log");
    // Found as test-support's MotoServer finds it (that one is shared per JVM and cannot be used
    // here: enforcement is server-wide).
    String server = "moto_server";
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (new java.io.File(dir, "moto_server").canExecute()) {
        server = new java.io.File(dir, "moto_server").getPath();
        break;
      }
    }
    moto =
        new ProcessBuilder(server, "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    endpoint = URI.create("http://127.0.0.1:" + port);
    Process started = moto;
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .failFast("moto exited", () -> !started.isAlive())
        .alias("moto listening on " + port + " (log: " + log + ")")
        .until(() -> LoopbackPorts.listening(port));
  }

  private static void post(String path, String body) throws IOException, InterruptedException {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(endpoint.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
