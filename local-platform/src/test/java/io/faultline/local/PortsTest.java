package io.faultline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void aTakenPreferredPortFallsBackToAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = Ports.preferredOrFree(taken.getLocalPort());
      assertThat(port).isNotEqualTo(taken.getLocalPort()).isPositive();
      assertThat(Ports.isFree(port)).isTrue();
    }
  }

  @Test
  void aFreePreferredPortIsKept() {
    int free = Ports.free();
    assertThat(Ports.preferredOrFree(free)).isEqualTo(free);
  }
}
