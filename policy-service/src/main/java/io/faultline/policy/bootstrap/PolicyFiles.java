package io.faultline.policy.bootstrap;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.policy.TenantPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads every {@code *.json} tenant policy of a directory, validated against the contract. */
public final class PolicyFiles {
  private PolicyFiles() {}

  /**
   * The policies in {@code directory}, in file-name order.
   *
   * @throws io.faultline.events.validation.ContractViolationException naming the broken rules of
   *     the first invalid file (a half-loaded bootstrap would be worse than none)
   */
  public static List<TenantPolicy> read(Path directory) {
    List<TenantPolicy> policies = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        policies.add(
            EventCodec.standard()
                .fromJson(EventFamily.TENANT_POLICY, TenantPolicy.class, Files.readAllBytes(file)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policies from " + directory, e);
    }
    return policies;
  }
}
