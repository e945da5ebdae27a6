package io.faultline.executor.aws;

import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport.Invocation.Status;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.fault.document.SsmDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ssm.model.DocumentFormat;
import software.amazon.awssdk.services.ssm.model.DocumentType;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.InvalidDocumentException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.PingStatus;

/** One assumed-role session: targets and commands in one account and region. */
final class AwsAccountSession implements AccountSession {
  static final int FILTER_VALUES = 100;
  private static final int ECS_DESCRIBE_BATCH = 100;
  static final int SSM_INFO_FILTER_VALUES = 50;

  private final AccountRequest request;
  private final AwsAccountConnector.Clients clients;
  private final Resilience resilience;
  private final Map<String, DocumentVersion> documents;

  AwsAccountSession(
      AccountRequest request,
      AwsAccountConnector.Clients clients,
      Resilience resilience,
      Map<String, DocumentVersion> documents) {
    this.request = request;
    this.clients = clients;
    this.resilience = resilience;
    this.documents = documents;
  }

  private <T> T ec2(String operation, Supplier<T> call) {
    return call("ec2:" + operation, false, call);
  }

  private <T> T ecs(String operation, Supplier<T> call) {
    return call("ecs:" + operation, false, call);
  }

  private <T> T ssm(String operation, Supplier<T> call) {
    return call("ssm:" + operation, true, call);
  }

  private <T> T call(String operation, boolean ssm, Supplier<T> call) {
    try {
      return resilience.call(
          operation,
          request.tenantId().value(),
          request.accountId().value(),
          request.region().value(),
          ssm,
          call);
    } catch (TransportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TransportException(
          operation
              + " failed in "
              + request.accountId()
              + "/"
              + request.region()
              + ": "
              + AwsErrors.describe(e),
          e);
    }
  }

  @Override
  public List<Instance> instances(List<String> ids) {
    List<Instance> found = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += FILTER_VALUES) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + FILTER_VALUES));
      // A filter (not InstanceIds) so one unknown id does not fail the whole call; coalesced with
      // the look-ups other faults of this session ask meanwhile.
      found.addAll(
          clients.instanceLookup.lookup(
              chunk,
              batch ->
                  describe(
                      DescribeInstancesRequest.builder()
                          .filters(Filter.builder().name("instance-id").values(batch).build())
                          .build())));
    }
    return found;
  }

  @Override
  public List<Instance> runningInstancesWithTag(String key, String value) {
    return describe(
        DescribeInstancesRequest.builder()
            .filters(
                Filter.builder().name("tag:" + key).values(value).build(),
                Filter.builder().name("instance-state-name").values("running").build())
            .maxResults(1000)
            .build());
  }

  private List<Instance> describe(DescribeInstancesRequest first) {
    List<Instance> found = new ArrayList<>();
    String token = null;
    do {
      DescribeInstancesRequest page = first.toBuilder().nextToken(token).build();
      var response = ec2("DescribeInstances", () -> clients.ec2.describeInstances(page));
      response.reservations().stream()
          .flatMap(r -> r.instances().stream())
          .forEach(
              i -> {
                Map<String, String> tags = new LinkedHashMap<>();
                i.tags().forEach(t -> tags.put(t.key(), t.value()));
                found.add(
                    new Instance(
                        i.instanceId(),
                        i.state().nameAsString(),
                        tags,
                        i.placement() == null ? null : i.placement().availabilityZone()));
              });
      token = response.nextToken();
    } while (token != null && !token.isEmpty());
    return found;
  }

  @Override
  public Optional<List<ClusterMember>> clusterMembers(String cluster) {
    var clusters =
        ecs("DescribeClusters", () -> clients.ecs.describeClusters(b -> b.clusters(cluster)));
    Optional<Cluster> active =
        clusters.clusters().stream()
            .filter(c -> cluster.equals(c.clusterName()) && "ACTIVE".equals(c.status()))
            .findFirst();
    if (active.isEmpty()) {
      return Optional.empty();
    }
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          ecs(
              "ListContainerInstances",
              () -> clients.ecs.listContainerInstances(b -> b.cluster(cluster).nextToken(next)));
      arns.addAll(page.containerInstanceArns());
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    List<ClusterMember> members = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += ECS_DESCRIBE_BATCH) {
      List<String> chunk = arns.subList(i, Math.min(arns.size(), i + ECS_DESCRIBE_BATCH));
      var described =
          ecs(
              "DescribeContainerInstances",
              () ->
                  clients.ecs.describeContainerInstances(
                      b -> b.cluster(cluster).containerInstances(chunk)));
      for (ContainerInstance ci : described.containerInstances()) {
        members.add(
            new ClusterMember(
                ci.containerInstanceArn(),
                ci.ec2InstanceId(),
                ci.status(),
                Boolean.TRUE.equals(ci.agentConnected())));
      }
    }
    return Optional.of(members);
  }

  @Override
  public Set<String> ssmOnline(List<String> instanceIds) {
    Set<String> online = new LinkedHashSet<>();
    for (int i = 0; i < instanceIds.size(); i += SSM_INFO_FILTER_VALUES) {
      List<String> chunk =
          instanceIds.subList(i, Math.min(instanceIds.size(), i + SSM_INFO_FILTER_VALUES));
      online.addAll(clients.ssmOnlineLookup.lookup(chunk, this::onlineAmong));
    }
    return online;
  }

  /** The instances among {@code ids} whose SSM agent is online (one filter's worth of ids). */
  private List<String> onlineAmong(List<String> ids) {
    List<String> online = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          ssm(
              "DescribeInstanceInformation",
              () ->
                  clients.ssm.describeInstanceInformation(
                      b ->
                          b.filters(
                                  InstanceInformationStringFilter.builder()
                                      .key("InstanceIds")
                                      .values(ids)
                                      .build())
                              .nextToken(next)));
      for (InstanceInformation info : page.instanceInformationList()) {
        if (info.pingStatus() == PingStatus.ONLINE) {
          online.add(info.instanceId());
        }
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return online;
  }

  @Override
  public Map<String, Boolean> agentConnected(String cluster) {
    Map<String, Boolean> connected = new LinkedHashMap<>();
    clusterMembers(cluster)
        .orElse(List.of())
        .forEach(
            m -> {
              if (m.ec2InstanceId() != null) {
                connected.put(m.ec2InstanceId(), m.agentConnected());
              }
            });
    return connected;
  }

  @Override
  public DocumentVersion ensureDocument(SsmDocument document) {
    String key =
        request.accountId()
            + "/"
            + request.region()
            + "/"
            + document.name()
            + "/"
            + document.contentHash();
    DocumentVersion known = documents.get(key);
    if (known != null) {
      return known;
    }
    // One writer per account-region-document at a time; others wait and reuse its answer.
    synchronized (documents) {
      known = documents.get(key);
      if (known == null) {
        known = createOrUpdate(document);
        documents.put(key, known);
      }
      return known;
    }
  }

  private DocumentVersion createOrUpdate(SsmDocument document) {
    try {
      var existing =
          ssm(
              "DescribeDocument",
              () ->
                  clients.ssm.describeDocument(
                      b -> b.name(document.name()).versionName(document.versionName())));
      return new DocumentVersion(document.name(), existing.document().documentVersion());
    } catch (TransportException e) {
      if (!(e.getCause() instanceof InvalidDocumentException)) {
        throw e;
      }
    }
    boolean exists;
    try {
      ssm("DescribeDocument", () -> clients.ssm.describeDocument(b -> b.name(document.name())));
      exists = true;
    } catch (TransportException e) {
      if (!(e.getCause() instanceof InvalidDocumentException)) {
        throw e;
      }
      exists = false;
    }
    if (exists) {
      var updated =
          ssm(
              "UpdateDocument",
              () ->
                  clients.ssm.updateDocument(
                      b ->
                          b.name(document.name())
                              .content(document.content())
                              .versionName(document.versionName())
                              .documentFormat(DocumentFormat.YAML)
                              .documentVersion("$LATEST")));
      return new DocumentVersion(document.name(), updated.documentDescription().documentVersion());
    }
    var created =
        ssm(
            "CreateDocument",
            () ->
                clients.ssm.createDocument(
                    b ->
                        b.name(document.name())
                            .content(document.content())
                            .versionName(document.versionName())
                            .documentType(DocumentType.COMMAND)
                            .documentFormat(DocumentFormat.YAML)));
    return new DocumentVersion(document.name(), created.documentDescription().documentVersion());
  }

  @Override
  public String send(
      DocumentVersion document,
      List<String> instanceIds,
      Map<String, String> parameters,
      String comment,
      Duration deliveryTimeout) {
    if (instanceIds.isEmpty() || instanceIds.size() > MAX_INSTANCES_PER_COMMAND) {
      throw new IllegalArgumentException("a command addresses 1.." + MAX_INSTANCES_PER_COMMAND);
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    parameters.forEach((k, v) -> values.put(k, List.of(v)));
    var sent =
        ssm(
            "SendCommand",
            () ->
                clients.ssm.sendCommand(
                    b ->
                        b.documentName(document.name())
                            .documentVersion(document.version())
                            .instanceIds(instanceIds)
                            .parameters(values)
                            .timeoutSeconds(Math.toIntExact(deliveryTimeout.toSeconds()))
                            .comment(
                                comment.length() > 100 ? comment.substring(0, 100) : comment)));
    return sent.command().commandId();
  }

  @Override
  public Invocation invocation(String commandId, String instanceId) {
    GetCommandInvocationResponse response;
    try {
      response =
          ssm(
              "GetCommandInvocation",
              () ->
                  clients.ssm.getCommandInvocation(
                      b -> b.commandId(commandId).instanceId(instanceId)));
    } catch (TransportException e) {
      if (e.getCause() instanceof InvocationDoesNotExistException) {
        // Just after SendCommand the invocation may not be visible yet.
        return new Invocation(Status.PENDING, "");
      }
      throw e;
    }
    Status status =
        switch (response.statusDetails() == null ? "" : response.statusDetails()) {
          case "Success" -> Status.SUCCESS;
          case "Cancelled" -> Status.CANCELLED;
          case "DeliveryTimedOut", "ExecutionTimedOut" -> Status.TIMED_OUT;
          case "Failed", "Undeliverable", "Terminated", "InvalidPlatform", "AccessDenied" ->
              Status.FAILED;
          default -> Status.PENDING;
        };
    String output = response.standardOutputContent();
    if (status != Status.SUCCESS
        && status != Status.PENDING
        && response.standardErrorContent() != null
        && !response.standardErrorContent().isBlank()) {
      output = (output == null ? "" : output) + "\n" + response.standardErrorContent();
    }
    return new Invocation(status, output);
  }

  @Override
  public void cancel(String commandId, List<String> instanceIds) {
    ssm(
        "CancelCommand",
        () -> clients.ssm.cancelCommand(b -> b.commandId(commandId).instanceIds(instanceIds)));
  }
}
