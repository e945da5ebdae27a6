package io.faultline.executor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.decision.AccountAccess;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport.DocumentVersion;
import io.faultline.executor.fault.CommandTransport.Invocation;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.testsupport.MotoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AwsAccountConnectorIT {
  private RequestRecorder recorder;
  private AwsAccountConnector connector;

  @BeforeEach
  void connect() {
    MotoAccounts.init();
    recorder = new RequestRecorder();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder);
  }

  @AfterEach
  void close() {
    connector.close();
  }

  private static AccountRequest request(String account, String tenant, String fault) {
    return new AccountRequest(
        FaultId.of(fault),
        TenantId.of(tenant),
        ExperimentId.of("exp-" + tenant),
        AccountId.of(account),
        AwsRegion.of(MotoAccounts.REGION),
        new AccountAccess(MotoAccounts.roleArn(account), "ext-" + tenant + "-secret"));
  }

  @Test
  void assumesTheAccountRoleWithExternalIdSessionTagsAndSourceIdentity() {
    String account = MotoAccounts.freshAccount();

    connector.connect(request(account, "tenant-a", "f:1.abc"));

    var assumed = recorder.sent("AssumeRole");
    assertThat(assumed).hasSize(1);
    var sent = assumed.getFirst();
    assertThat(sent.field("RoleArn")).isEqualTo(MotoAccounts.roleArn(account));
    assertThat(sent.field("ExternalId")).isEqualTo("ext-tenant-a-secret");
    assertThat(sent.field("RoleSessionName")).isEqualTo("faultline-f-1.abc");
    assertThat(sent.field("SourceIdentity")).isEqualTo("faultline-tenant-a");
    assertThat(sent.field("Tags").toString())
        .contains("Key=faultline-tenant, Value=tenant-a")
        .contains("Key=faultline-experiment, Value=exp-tenant-a");
  }

  @Test
  void cachesCredentialsPerAccountAndAssumesAgainForAnotherAccount() {
    String first = MotoAccounts.freshAccount();
    String second = MotoAccounts.freshAccount();

    connector.connect(request(first, "tenant-a", "f-1"));
    connector.connect(request(first, "tenant-a", "f-2"));
    connector.connect(request(second, "tenant-a", "f-3"));

    assertThat(recorder.sent("AssumeRole"))
        .extracting(r -> r.field("RoleArn"))
        .containsExactly(MotoAccounts.roleArn(first), MotoAccounts.roleArn(second));
    assertThat(connector.cachedSessions()).isEqualTo(2);
  }

  @Test
  void faultsConnectingAtOnceToOneAccountShareOneSessionAndOneAssumeRole() throws Exception {
    String account = MotoAccounts.freshAccount();
    java.util.List<java.util.concurrent.Future<?>> connects = new java.util.ArrayList<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) {
        String fault = "f-at-once-" + i;
        connects.add(threads.submit(() -> connector.connect(request(account, "tenant-a", fault))));
      }
      for (var connect : connects) {
        connect.get();
      }
    }

    assertThat(connector.cachedSessions()).isEqualTo(1);
    assertThat(recorder.sent("AssumeRole")).hasSize(1);
  }

  @Test
  void actsOnlyOnTheAssumedAccountsInstances() {
    String mine = MotoAccounts.freshAccount();
    String other = MotoAccounts.freshAccount();
    List<String> myInstances = MotoAccounts.runInstances(mine, 2, Map.of("app", "checkout"));
    MotoAccounts.runInstances(other, 3, Map.of("app", "checkout"));

    AccountSession session = connector.connect(request(mine, "tenant-b", "f-iso"));

    assertThat(session.runningInstancesWithTag("app", "checkout"))
        .extracting(TargetDirectory.Instance::id)
        .containsExactlyInAnyOrderElementsOf(myInstances);
  }

  @Test
  void refusesARoleOutsideTheApprovedAccount() {
    String account = MotoAccounts.freshAccount();
    AccountRequest wrong =
        new AccountRequest(
            FaultId.of("f-wrong"),
            TenantId.of("tenant-c"),
            null,
            AccountId.of(account),
            AwsRegion.of(MotoAccounts.REGION),
            new AccountAccess(MotoAccounts.roleArn(MotoAccounts.freshAccount()), "ext-secret"));

    assertThatThrownBy(() -> connector.connect(wrong))
        .isInstanceOf(TransportException.class)
        .hasMessageNotContaining("ext-secret");
    assertThat(recorder.sent("AssumeRole")).isEmpty();
  }

  @Test
  void findsOnlyRunningTaggedInstancesAndReportsStoppedOnesById() {
    String account = MotoAccounts.freshAccount();
    List<String> running = MotoAccounts.runInstances(account, 3, Map.of("team:app", "pay"));
    List<String> stopped = MotoAccounts.runInstances(account, 1, Map.of("team:app", "pay"));
    MotoAccounts.stopInstances(account, stopped);
    AccountSession session = connector.connect(request(account, "tenant-d", "f-tags"));

    assertThat(session.runningInstancesWithTag("team:app", "pay"))
        .extracting(TargetDirectory.Instance::id)
        .containsExactlyInAnyOrderElementsOf(running);
    assertThat(session.instances(List.of(stopped.getFirst(), "i-0000000000000dead")))
        .singleElement()
        .satisfies(i -> assertThat(i.running()).isFalse());
  }

  @Test
  void discoversTheEc2InstancesBehindAnEcsCluster() {
    String account = MotoAccounts.freshAccount();
    List<String> hosts = MotoAccounts.runInstances(account, 2, Map.of());
    MotoAccounts.createCluster(account, "orders", hosts);
    AccountSession session = connector.connect(request(account, "tenant-e", "f-ecs"));

    assertThat(session.clusterMembers("orders").orElseThrow())
        .extracting(TargetDirectory.ClusterMember::ec2InstanceId)
        .containsExactlyInAnyOrderElementsOf(hosts);
    assertThat(session.clusterMembers("missing")).isEmpty();
    assertThat(session.agentConnected("orders")).containsOnlyKeys(hosts).containsValue(true);
  }

  @Test
  void createsTheDocumentOnceUnderItsContentHashVersionAndReusesIt() {
    String account = MotoAccounts.freshAccount();
    SsmDocument document = SsmDocument.forFaultType("ec2-process-kill");
    AccountSession session = connector.connect(request(account, "tenant-f", "f-doc"));

    DocumentVersion first = session.ensureDocument(document);
    try (AwsAccountConnector fresh =
        new AwsAccountConnector(
            AwsSettings.defaults().withEndpoint(MotoServer.shared().endpoint()), recorder)) {
      DocumentVersion again =
          fresh.connect(request(account, "tenant-f", "f-doc-2")).ensureDocument(document);
      assertThat(again).isEqualTo(first);
    }

    var created = recorder.sent("CreateDocument");
    assertThat(created).hasSize(1);
    assertThat(created.getFirst().field("VersionName")).isEqualTo(document.versionName());
    assertThat(created.getFirst().field("Content")).isEqualTo(document.content());
    assertThat(recorder.sent("UpdateDocument")).isEmpty();
  }

  @Test
  void sendsCommandsWithTheirDeliveryTimeoutAndReadsTheirInvocation() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 1, Map.of());
    AccountSession session = connector.connect(request(account, "tenant-g", "f-send"));
    DocumentVersion version = session.ensureDocument(SsmDocument.forFaultType("ecs-agent-stop"));

    String commandId =
        session.send(
            version,
            ids,
            Map.of("Action", "inject", "FaultId", "f-send", "DurationSeconds", "5", "TraceId", ""),
            "faultline trace=0123456789abcdef0123456789abcdef fault=f-send",
            Duration.ofSeconds(300));

    assertThat(session.invocation(commandId, ids.getFirst()).status())
        .isEqualTo(Invocation.Status.SUCCESS);
    var sent = recorder.sent("SendCommand").getFirst();
    assertThat(sent.field("InstanceIds")).isEqualTo(ids);
    assertThat((String) sent.field("Comment")).contains("trace=0123456789abcdef");
    assertThat(sent.field("TimeoutSeconds")).isEqualTo(300);
  }

  @Test
  void reportsWhatTheEndpointCannotAnswerInsteadOfGuessing() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 1, Map.of());
    AccountSession session = connector.connect(request(account, "tenant-h", "f-moto"));

    // moto answers HTTP 500 for both: the pre-check must fail closed, a cancel must be reported.
    assertThatThrownBy(() -> session.ssmOnline(ids))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("DescribeInstanceInformation");
    assertThatThrownBy(() -> session.cancel("00000000-0000-0000-0000-000000000000", ids))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("CancelCommand")
        .hasMessageContaining("HTTP 500");
    assertThat(recorder.sent("DescribeInstanceInformation")).hasSize(2);
    // Cancelled on the instances given up on only, as SSM allows.
    assertThat(recorder.sent("CancelCommand"))
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.field("CommandId")).isEqualTo("00000000-0000-0000-0000-000000000000");
              assertThat(c.field("InstanceIds")).isEqualTo(ids);
            });
  }
}
