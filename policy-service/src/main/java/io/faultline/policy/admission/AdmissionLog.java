package io.faultline.policy.admission;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where each command goes on the partitioned admission log (ADR 0012). A tenant's commands go to
 * the tenant's partition (the requests topic's hash, so with as many partitions both agree), so
 * every tenant, account and target rule is decided in one order; what concerns every tenant (a
 * platform halt, the heartbeat clock) goes to every partition; the escrow's asks go to every peer
 * of the asker and a grant to its receiver only.
 */
final class AdmissionLog implements StreamPartitioner<String, AdmissionCommand> {

  /** The key of a command that is not one tenant's. */
  // Not a valid tenant id (TenantId allows no "*"), so no tenant can be mistaken for it.
  static final String PLATFORM_KEY = "*";

  /** The record key of {@code command}: its tenant, or {@link #PLATFORM_KEY}. */
  static String keyOf(AdmissionCommand command) {
    return switch (command) {
      case AdmissionCommand.Decide decide -> decide.request().tenantId().value();
      case AdmissionCommand.RejectInvalid invalid -> invalid.tenantId();
      case AdmissionCommand.PolicyChanged change -> change.tenantId();
      case AdmissionCommand.Progress progress -> progress.tenantId();
      case AdmissionCommand.Claim claim -> claim.claim().tenantId().value();
      case AdmissionCommand.HaltChanged halt ->
          halt.scope().startsWith(AdmissionState.TENANT_SCOPE)
              ? halt.scope().substring(AdmissionState.TENANT_SCOPE.length())
              : PLATFORM_KEY;
      case AdmissionCommand.Heartbeat beat ->
          beat.faults().isEmpty() ? PLATFORM_KEY : beat.faults().getFirst().tenantId();
      case AdmissionCommand.EscrowAsked asked -> PLATFORM_KEY;
      case AdmissionCommand.EscrowGranted granted -> PLATFORM_KEY;
    };
  }

  /** The partition of a tenant's commands: the producer's default hash of the tenant id. */
  static int partitionOf(String tenantId, int partitions) {
    return Utils.toPositive(Utils.murmur2(tenantId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, AdmissionCommand command, int partitions) {
    return Optional.of(
        switch (command) {
          case AdmissionCommand.EscrowAsked asked -> all(partitions, asked.ask().from());
          case AdmissionCommand.EscrowGranted granted -> Set.of(granted.grant().to());
          default ->
              PLATFORM_KEY.equals(keyOf(command))
                  ? all(partitions, -1)
                  : Set.of(partitionOf(key, partitions));
        });
  }

  private static Set<Integer> all(int partitions, int except) {
    return IntStream.range(0, partitions)
        .filter(p -> p != except)
        .boxed()
        .collect(Collectors.toUnmodifiableSet());
  }
}
