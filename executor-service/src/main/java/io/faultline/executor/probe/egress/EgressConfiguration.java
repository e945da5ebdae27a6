package io.faultline.executor.probe.egress;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The executor's one {@link EgressClient}, from {@code faultline.probes.allowed-hosts}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EgressSettings.class)
public class EgressConfiguration {
  @Bean(destroyMethod = "close")
  EgressClient probeEgress(EgressSettings settings) {
    return EgressClient.of(settings);
  }
}
