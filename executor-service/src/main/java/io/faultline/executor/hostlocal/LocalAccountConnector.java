package io.faultline.executor.hostlocal;

import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport.Invocation.Status;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.fault.local.LocalRun;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every account and region is this host. Each "instance" of the inventory is a name for this host;
 * a command to it runs the document once, locally, at once (so a delivery timeout never passes).
 * CancelCommand kills the run's process group ({@link LocalRun#cancel()}); a run it killed reads
 * CANCELLED, one that had already succeeded SUCCESS, as in SSM.
 */
public final class LocalAccountConnector implements AccountConnector {
  /**
   * Whether a container instance's ECS agent is connected, as DescribeContainerInstances would
   * report it; on this host, e.g. whether the agent process a document stops and starts runs.
   */
  @FunctionalInterface
  public interface AgentStatus {
    /** Every agent always connected (what moto reports too). */
    AgentStatus CONNECTED = (cluster, instanceId) -> true;

    boolean connected(String cluster, String instanceId);
  }

  private final LocalDocumentRunner runner;
  private final Map<String, Map<String, String>> instances;
  private final Map<String, List<String>> clusters;
  private final AgentStatus agents;
  private final List<Sent> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, SsmDocument> documents = new ConcurrentHashMap<>();
  private final Map<String, Map<String, LocalRun>> commands = new ConcurrentHashMap<>();
  // "<command id>/<instance id>" of every run asked to cancel.
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  /**
   * @param instances instance id → tags; every one counts as running and SSM-online
   * @param clusters ECS cluster name → the instance ids of its container instances
   */
  public LocalAccountConnector(
      LocalDocumentRunner runner,
      Map<String, Map<String, String>> instances,
      Map<String, List<String>> clusters) {
    this(runner, instances, clusters, AgentStatus.CONNECTED);
  }

  /** As above, with each container instance's agent connected when {@code agents} says so. */
  public LocalAccountConnector(
      LocalDocumentRunner runner,
      Map<String, Map<String, String>> instances,
      Map<String, List<String>> clusters,
      AgentStatus agents) {
    this.runner = runner;
    this.instances = Map.copyOf(instances);
    this.clusters = Map.copyOf(clusters);
    this.agents = java.util.Objects.requireNonNull(agents, "agents");
  }

  @Override
  public AccountSession connect(AccountRequest request) {
    return new Session();
  }

  /** One instance of a command as it was sent: its document's Action, and when. */
  public record Sent(String commandId, String instanceId, String action, java.time.Instant at) {}

  /** Every instance of every command sent so far, in the order sent, for tests. */
  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** Commands sent so far (command id → instance ids), for tests. */
  public Map<String, Set<String>> commandsSent() {
    Map<String, Set<String>> sent = new LinkedHashMap<>();
    commands.forEach((id, runs) -> sent.put(id, Set.copyOf(runs.keySet())));
    return sent;
  }

  private final class Session implements AccountSession {
    @Override
    public List<Instance> instances(List<String> ids) {
      return ids.stream()
          .filter(instances::containsKey)
          .map(id -> new Instance(id, "running", instances.get(id)))
          .toList();
    }

    @Override
    public List<Instance> runningInstancesWithTag(String key, String value) {
      return instances.entrySet().stream()
          .filter(e -> value.equals(e.getValue().get(key)))
          .map(e -> new Instance(e.getKey(), "running", e.getValue()))
          .toList();
    }

    @Override
    public Optional<List<ClusterMember>> clusterMembers(String cluster) {
      List<String> members = clusters.get(cluster);
      if (members == null) {
        return Optional.empty();
      }
      return Optional.of(
          members.stream()
              .map(
                  id ->
                      new ClusterMember(
                          "arn:aws:ecs:local:000000000000:container-instance/" + cluster + "/" + id,
                          id,
                          "ACTIVE",
                          agents.connected(cluster, id)))
              .toList());
    }

    @Override
    public Set<String> ssmOnline(List<String> instanceIds) {
      Set<String> online = new LinkedHashSet<>(instanceIds);
      online.retainAll(instances.keySet());
      return online;
    }

    @Override
    public Map<String, Boolean> agentConnected(String cluster) {
      Map<String, Boolean> connected = new LinkedHashMap<>();
      clusters
          .getOrDefault(cluster, List.of())
          .forEach(id -> connected.put(id, agents.connected(cluster, id)));
      return connected;
    }

    @Override
    public DocumentVersion ensureDocument(SsmDocument document) {
      documents.put(document.name(), document);
      return new DocumentVersion(document.name(), document.versionName());
    }

    @Override
    public String send(
        DocumentVersion document,
        List<String> instanceIds,
        Map<String, String> parameters,
        String comment,
        Duration deliveryTimeout) {
      // Delivery to this host is immediate: the delivery timeout can never pass.
      SsmDocument doc = documents.get(document.name());
      if (doc == null) {
        throw new TransportException("document " + document.name() + " was never ensured");
      }
      String commandId = UUID.randomUUID().toString();
      Map<String, LocalRun> runs = new ConcurrentHashMap<>();
      for (String instanceId : instanceIds) {
        try {
          runs.put(instanceId, runner.start(doc, parameters));
          sent.add(
              new Sent(
                  commandId,
                  instanceId,
                  parameters.getOrDefault("Action", ""),
                  java.time.Instant.now()));
        } catch (IllegalArgumentException e) {
          throw new TransportException("document refused its parameters: " + e.getMessage(), e);
        }
      }
      commands.put(commandId, runs);
      return commandId;
    }

    @Override
    public Invocation invocation(String commandId, String instanceId) {
      LocalRun run = commands.getOrDefault(commandId, Map.of()).get(instanceId);
      if (run == null) {
        return new Invocation(Status.PENDING, "");
      }
      if (!run.isDone()) {
        return new Invocation(Status.PENDING, run.output());
      }
      if (run.exitCode() == 0) {
        // A run that ended before its cancel took effect succeeded, as in SSM.
        return new Invocation(Status.SUCCESS, run.output());
      }
      return new Invocation(
          cancelled.contains(commandId + "/" + instanceId) ? Status.CANCELLED : Status.FAILED,
          run.output());
    }

    @Override
    public void cancel(String commandId, List<String> instanceIds) {
      Map<String, LocalRun> runs = commands.getOrDefault(commandId, Map.of());
      for (String instanceId : instanceIds) {
        LocalRun run = runs.get(instanceId);
        if (run != null) {
          cancelled.add(commandId + "/" + instanceId);
          run.cancel();
        }
      }
    }
  }
}
