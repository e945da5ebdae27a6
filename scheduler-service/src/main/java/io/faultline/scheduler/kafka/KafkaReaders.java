package io.faultline.scheduler.kafka;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What every Kafka reader of the service shares: the poison-record counter ({@code
 * faultline_poison_records_total{topic,service="scheduler-service"}}) and the readers' liveness
 * ({@code faultline_consumer_running{consumer,service="scheduler-service"}}).
 */
@Configuration(proxyBeanMethods = false)
class KafkaReaders {
  static final String SERVICE = "scheduler-service";

  @Bean
  PoisonRecords poisonRecords(MeterRegistry meters) {
    return new PoisonRecords(SERVICE, meters);
  }

  @Bean
  ConsumerLiveness consumerLiveness(MeterRegistry meters) {
    return new ConsumerLiveness(SERVICE, meters);
  }
}
