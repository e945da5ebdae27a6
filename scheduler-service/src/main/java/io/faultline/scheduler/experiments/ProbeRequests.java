package io.faultline.scheduler.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.probe.ProbeCatalogue;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.validation.Violation;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.web.Violations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks an experiment's probe lists ({@code steadyState}, {@code stopConditions}) with the
 * contract's {@link ProbeCatalogue}, naming each broken field under its list, e.g. {@code
 * steadyState[1].url}; and what only the scheduler knows: at most {@value #MAX_PROBES} per list,
 * names unique across both lists (readings are by probe name), and a CloudWatch probe only in an
 * account registered to the experiment's tenant (one tenant never watches another's account).
 */
final class ProbeRequests {
  static final int MAX_PROBES = 10;

  private final Supplier<Set<String>> registeredAccounts;
  private final String tenantId;
  private Set<String> accounts;
  private final Set<String> names = new HashSet<>();

  /**
   * @param registeredAccounts the accounts registered to the tenant now; asked once, and only when
   *     a probe names an account (a read of the tenant's state)
   */
  ProbeRequests(String tenantId, Supplier<Set<String>> registeredAccounts) {
    this.tenantId = tenantId;
    this.registeredAccounts = registeredAccounts;
  }

  private boolean registered(String account) {
    if (accounts == null) {
      accounts = Set.copyOf(registeredAccounts.get());
    }
    return accounts.contains(account);
  }

  /** The canonical probes of one list; violations are added to {@code v}. */
  List<ProbeDefinition> validate(String field, List<Object> probes, Violations v) {
    List<ProbeDefinition> valid = new ArrayList<>();
    if (probes == null) {
      return valid;
    }
    if (probes.size() > MAX_PROBES) {
      v.add(field, "maxItems", "at most " + MAX_PROBES + " probes in " + field);
    }
    for (int i = 0; i < probes.size(); i++) {
      String at = field + "[" + i + "]";
      JsonNode json = StateJson.mapper().valueToTree(probes.get(i));
      if (isOldStopCondition(json)) {
        v.add(
            at + ".type",
            "required",
            "a stop condition is a probe now ({name, type, ...}, e.g. {\"name\": \"errors\","
                + " \"type\": \"cloudwatch-alarm\", \"alarmName\": …, \"accountId\": …,"
                + " \"region\": …}); the {kind, value} shape is no longer accepted");
        continue;
      }
      List<Violation> found = new ArrayList<>();
      ProbeDefinition probe = ProbeCatalogue.standard().validate(json, at, found);
      found.forEach(x -> v.add(x.path(), x.rule(), x.message()));
      if (probe == null) {
        continue;
      }
      if (!names.add(probe.name())) {
        v.add(
            at + ".name",
            "uniqueName",
            "probe name '"
                + probe.name()
                + "' is used twice; names are unique across steadyState and stopConditions");
      }
      Experiment.accountOf(probe)
          .filter(a -> !registered(a.value()))
          .ifPresent(
              a ->
                  v.add(
                      at + ".accountId",
                      "registeredAccount",
                      "account "
                          + a.value()
                          + " is not registered to tenant "
                          + tenantId
                          + "; a probe may only read an account of its own tenant (register it"
                          + " with PUT /api/v1/tenants/"
                          + tenantId
                          + "/accounts/"
                          + a.value()
                          + ")"));
      valid.add(probe);
    }
    return valid;
  }

  private static boolean isOldStopCondition(JsonNode json) {
    return json.isObject() && !json.has("type") && json.has("kind");
  }

  /** The bake of the experiment or a wave: 0..3600 seconds. */
  static boolean bakeSeconds(String field, Integer value, Violations v) {
    if (value == null) {
      return true;
    }
    if (value < 0) {
      v.add(field, "minimum", field + " must be at least 0");
      return false;
    }
    if (value > MAX_BAKE_SECONDS) {
      v.add(field, "maximum", field + " must be at most " + MAX_BAKE_SECONDS + " (one hour)");
      return false;
    }
    return true;
  }

  static final int MAX_BAKE_SECONDS = 3600;
}
