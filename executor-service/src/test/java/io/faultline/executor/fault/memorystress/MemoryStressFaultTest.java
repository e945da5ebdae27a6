package io.faultline.executor.fault.memorystress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryStressFaultTest {
  private static final FaultContext CONTEXT =
      new FaultContext(FaultId.of("f-1"), "4bf92f3577b34da6a3ce929d0e0e4736");
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);
  private static final String ID = "i-0abc12345def67890";

  private static FaultSpec spec(Map<String, ?> raw) {
    FaultParameters parameters =
        FaultCatalogue.standard().validate(FaultType.of("ec2-memory-stress"), raw);
    return new MemoryStressFault().spec(parameters);
  }

  @Test
  void mapsEveryTunableToItsDocumentParameter() {
    assertThat(
            spec(Map.of("EC2_INSTANCE_ID", ID, "MEMORY_PERCENTAGE", 90, "NUMBER_OF_WORKERS", 16))
                .inject(HOST, CONTEXT)
                .parameters())
        .containsEntry("MemoryPercentage", "90")
        .containsEntry("Workers", "16")
        .containsEntry("InstallDependencies", "true")
        .containsEntry("Proxy", "");
  }

  @Test
  void takesHalfTheMemoryWithOneWorkerByDefault() {
    assertThat(spec(Map.of("EC2_INSTANCE_ID", ID)).inject(HOST, CONTEXT).parameters())
        .containsEntry("MemoryPercentage", "50")
        .containsEntry("Workers", "1");
  }

  @Test
  void refusesMoreThanNinetyPercentOrSixteenWorkersNamingTheTunable() {
    assertThatThrownBy(() -> spec(Map.of("EC2_INSTANCE_ID", ID, "MEMORY_PERCENTAGE", 91)))
        .hasMessageContaining("MEMORY_PERCENTAGE");
    assertThatThrownBy(() -> spec(Map.of("EC2_INSTANCE_ID", ID, "NUMBER_OF_WORKERS", 17)))
        .hasMessageContaining("NUMBER_OF_WORKERS");
  }
}
