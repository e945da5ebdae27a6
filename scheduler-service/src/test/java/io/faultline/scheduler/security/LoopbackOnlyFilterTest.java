package io.faultline.scheduler.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** {@code /dev/tokens} answers callers on this host only. */
class LoopbackOnlyFilterTest {
  private static MockHttpServletResponse call(String remoteAddress, String header) {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/dev/tokens");
    request.setRemoteAddr(remoteAddress);
    if (header != null) {
      request.addHeader(header, "127.0.0.1");
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();
    try {
      new LoopbackOnlyFilter().doFilter(request, response, chain);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (chain.getRequest() != null) {
      response.setStatus(299); // reached the controller
    }
    return response;
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1"})
  void letsLoopbackCallersThrough(String address) {
    assertThat(call(address, null).getStatus()).isEqualTo(299);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.2",
        "10.0.0.7",
        "128.0.0.1",
        "126.255.255.255",
        "0.0.0.0",
        "fd00::2",
        "::",
        "fe80::1%eth0",
        "localhost",
        "127.0.0.1.example.com",
        "127.256.0.1",
        ""
      })
  void refusesEveryOtherCallerNamingTheRule(String address) throws Exception {
    MockHttpServletResponse response = call(address, null);
    assertThat(response.getStatus()).isEqualTo(403);
    assertThat(response.getContentType()).startsWith("application/problem+json");
    assertThat(response.getContentAsString())
        .contains("\"rule\":\"loopbackOnly\"")
        .contains("127.0.0.0/8, ::1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"X-Forwarded-For", "Forwarded", "X-Real-IP"})
  void refusesAForwardedRequestEvenFromLoopback(String header) {
    assertThat(call("127.0.0.1", header).getStatus()).isEqualTo(403);
  }
}
