package io.faultline.policy.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.policy.PolicyExamples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFilesTest {
  @TempDir Path dir;

  @Test
  void readsEveryPolicyFileOfADirectoryInNameOrder() throws Exception {
    Files.write(
        dir.resolve("b.json"),
        EventCodec.standard().toJson(PolicyExamples.policy("beta", "222222222222")));
    Files.write(
        dir.resolve("a.json"),
        EventCodec.standard().toJson(PolicyExamples.policy("alpha", "111111111111")));
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    assertThat(PolicyFiles.read(dir))
        .extracting(TenantPolicy::tenantId)
        .extracting(id -> id.value())
        .containsExactly("alpha", "beta");
  }

  @Test
  void refusesAPolicyFileThatBreaksTheSchema() throws Exception {
    Files.writeString(dir.resolve("bad.json"), "{\"tenantId\":\"acme\",\"revision\":1}");
    assertThatThrownBy(() -> PolicyFiles.read(dir))
        .isInstanceOf(ContractViolationException.class)
        .hasMessageContaining("accounts");
  }
}
