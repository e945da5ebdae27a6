package io.faultline.events.client;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a consumer group has read a topic up to given offsets. The policy service applies a new
 * policy to every request sent after its intake group ({@code <application-id>-intake}) has
 * committed past the policy: read the policies topic's {@link #endOffsets} after publishing, then
 * wait until {@link #hasCommittedUpTo} holds.
 */
public final class ConsumerGroupProgress {
  private ConsumerGroupProgress() {}

  /** The end offset of each of {@code topic}'s {@code partitions} partitions. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) {
    Map<TopicPartition, OffsetSpec> latest =
        IntStream.range(0, partitions)
            .mapToObj(p -> new TopicPartition(topic, p))
            .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
    return await(admin.listOffsets(latest).all(), "cannot read the end offsets of " + topic)
        .entrySet()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Whether {@code groupId} has committed at least {@code ends} on every non-empty partition. */
  public static boolean hasCommittedUpTo(
      Admin admin, String groupId, Map<TopicPartition, Long> ends) {
    Map<TopicPartition, OffsetAndMetadata> committed =
        await(
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
            "cannot read the committed offsets of " + groupId);
    return ends.entrySet().stream()
        .allMatch(
            end -> {
              OffsetAndMetadata done = committed.get(end.getKey());
              return end.getValue() == 0 || (done != null && done.offset() >= end.getValue());
            });
  }

  private static <T> T await(KafkaFuture<T> future, String failure) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(failure, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(failure + ": interrupted", e);
    }
  }
}
