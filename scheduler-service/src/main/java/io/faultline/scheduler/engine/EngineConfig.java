package io.faultline.scheduler.engine;

import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.state.SchedulerTopics;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** Wiring of the engine: the clock, and the topics it needs when asked to create them. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchedulerProperties.class)
class EngineConfig {

  /** Replace with a controllable clock in tests: schedules are decided by this clock only. */
  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  @ConditionalOnProperty(
      name = "faultline.scheduler.create-topics",
      havingValue = "true",
      matchIfMissing = true)
  KafkaAdmin.NewTopics schedulerTopics(SchedulerProperties properties) {
    List<Topic<?>> used =
        List.of(
            Topics.FAULT_REQUESTS,
            Topics.FAULT_LIFECYCLE,
            Topics.FAULT_CONTROLS,
            Topics.TENANT_POLICIES,
            Topics.RUN_WATCHES,
            Topics.RUN_EVENTS);
    NewTopic[] topics =
        java.util.stream.Stream.concat(
                used.stream()
                    .map(
                        t ->
                            new NewTopic(t.name(), Optional.of(t.partitions()), Optional.empty())
                                .configs(t.configs())),
                java.util.stream.Stream.of(
                    SchedulerTopics.commands(properties.commandsTopic(), (short) -1),
                    new NewTopic(
                            properties.accountOwnersTopic(),
                            Optional.of(Topics.ACCOUNT_OWNERS.partitions()),
                            Optional.empty())
                        .configs(Topics.ACCOUNT_OWNERS.configs())))
            .toArray(NewTopic[]::new);
    return new KafkaAdmin.NewTopics(topics);
  }
}
