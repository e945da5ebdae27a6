package io.faultline.executor.probe.egress;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Binds {@code faultline.executor.probes.allowed-hosts} (checked at start); the executor builds its
 * {@link EgressClient} from it. The setting's former name is refused at start rather than ignored:
 * an allow-list an operator set would otherwise silently become empty.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EgressSettings.class)
public class EgressConfiguration {
  /** The name the setting had before it joined {@code faultline.executor.probes.*}. */
  static final String FORMER_SETTING = "faultline.probes.allowed-hosts";

  public EgressConfiguration(Environment environment) {
    if (Binder.get(environment).bind(FORMER_SETTING, Bindable.listOf(String.class)).isBound()) {
      throw new IllegalStateException(
          FORMER_SETTING
              + " is no longer read: set "
              + AllowList.SETTING
              + " (environment FAULTLINE_EXECUTOR_PROBES_ALLOWEDHOSTS) instead, and remove the"
              + " old name");
    }
  }
}
