package io.faultline.policy.authentication;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Signed requests expire by their append time (ADR 0008), which is the broker's only when the
 * requests topic is {@code LogAppendTime}; on a topic created before that (or by hand) the
 * publisher chooses the timestamp. The service still runs, but says so at start.
 */
public final class AppendTimeCheck {
  private AppendTimeCheck() {}

  /**
   * Why expiry would not be judged by the broker's clock on {@code topic}; empty when it is (or the
   * topic cannot be described yet, e.g. it does not exist: then it is created from the catalogue).
   */
  public static Optional<String> problem(Admin admin, String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config;
    try {
      config =
          admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    ConfigEntry type =
        config == null ? null : config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
    if (type == null || "LogAppendTime".equals(type.value())) {
      return Optional.empty();
    }
    return Optional.of(
        topic
            + " has message.timestamp.type="
            + type.value()
            + ": publishers choose the time signed requests expire by. Run kafka-configs.sh"
            + " --alter --entity-type topics --entity-name "
            + topic
            + " --add-config message.timestamp.type=LogAppendTime");
  }
}
