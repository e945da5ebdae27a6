package io.faultline.executor.probe.egress;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Binds {@code faultline.probes.allowed-hosts} (checked at start); the executor builds its {@link
 * EgressClient} from it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EgressSettings.class)
public class EgressConfiguration {}
