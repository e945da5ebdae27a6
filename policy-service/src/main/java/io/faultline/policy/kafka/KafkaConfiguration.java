package io.faultline.policy.kafka;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's Kafka clients, on Spring Boot's {@code spring.kafka.*} configuration. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

  @Bean
  KafkaClients kafkaClients(KafkaProperties properties) {
    return KafkaClients.of(properties);
  }
}
