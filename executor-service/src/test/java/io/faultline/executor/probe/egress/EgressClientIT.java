package io.faultline.executor.probe.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.faultline.executor.probe.egress.EgressClient.Method;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The egress rules against a real HTTP server in a network namespace, and real refusals. */
class EgressClientIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static ProbeServer server;
  private static HttpServer loopback;
  private static final AtomicInteger loopbackRequests = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    server = new ProbeServer();
    // Listens on loopback so a refusal can be proven: no request ever arrives here.
    loopback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    loopback.createContext(
        "/",
        exchange -> {
          loopbackRequests.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    loopback.start();
  }

  @AfterAll
  static void stop() {
    if (loopback != null) {
      loopback.stop(0);
    }
    if (server != null) {
      server.close();
    }
  }

  private static EgressClient allowing(String... hosts) {
    return EgressClient.of(new EgressSettings(List.of(hosts)));
  }

  private static EgressClient allowing(Map<String, List<String>> names, String... hosts) {
    HostResolver resolver =
        host -> {
          List<String> addresses = names.get(host);
          if (addresses == null) {
            throw new UnknownHostException(host);
          }
          List<InetAddress> resolved = new java.util.ArrayList<>();
          for (String address : addresses) {
            resolved.add(InetAddress.getByName(address));
          }
          return resolved;
        };
    return EgressClient.of(new EgressSettings(List.of(hosts)), resolver);
  }

  @Test
  void callsAnAllowedAddress() {
    EgressClient client = allowing(server.address());
    EgressResponse response = client.fetch(server.url("/health"), Method.GET, TIMEOUT);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("ok");
    assertThat(response.truncated()).isFalse();
    assertThat(response.latencyMs()).isBetween(0L, 5_000L);
  }

  @Test
  void callsAnAddressInsideAnAllowedNetwork() {
    EgressClient client = allowing("10.0.0.0/8");
    assertThat(client.fetch(server.url("/status/503"), Method.GET, TIMEOUT).status())
        .isEqualTo(503);
  }

  @Test
  void headReadsNoBody() {
    EgressClient client = allowing(server.address());
    EgressResponse response = client.fetch(server.url("/health"), Method.HEAD, TIMEOUT);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void connectsToTheCheckedAddressOfAnAllowedNameAndSendsItsHostHeaderOnly() {
    EgressClient client =
        allowing(Map.of("api.probe.test", List.of(server.address())), "api.probe.test");
    EgressResponse response =
        client.fetch(
            URI.create("http://api.probe.test:" + ProbeServer.PORT + "/headers"),
            Method.GET,
            TIMEOUT);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text())
        .contains("host: api.probe.test:" + ProbeServer.PORT)
        .contains("user-agent: faultline-probe")
        .doesNotContain("cookie")
        .doesNotContain("authorization")
        .doesNotContain("accept-encoding");
  }

  @Test
  void refusesEverythingWhileTheAllowListIsEmpty() {
    EgressClient client = allowing();
    assertThatThrownBy(() -> client.fetch(server.url("/health"), Method.GET, TIMEOUT))
        .isInstanceOf(EgressRefused.class)
        .hasMessage(
            "egress refused: no host is allowed: faultline.executor.probes.allowed-hosts is empty (an"
                + " operator must list hosts)");
  }

  @Test
  void refusesAHostThatIsNotListed() {
    EgressClient client = allowing("10.0.0.1", "prometheus.internal");
    assertThatThrownBy(() -> client.fetch(server.url("/health"), Method.GET, TIMEOUT))
        .isInstanceOf(EgressRefused.class)
        .hasMessage(
            "egress refused: "
                + server.address()
                + " is not in faultline.executor.probes.allowed-hosts");
  }

  @Test
  void refusesLoopbackMetadataLinkLocalAndTheLikeEvenWhenAllowListed() {
    int port = loopback.getAddress().getPort();
    EgressClient client =
        allowing("0.0.0.0/0", "::/0", "localhost", "127.0.0.1", "169.254.169.254", "fd00:ec2::254");
    Map<String, String> refusals =
        Map.ofEntries(
            Map.entry("http://127.0.0.1:" + port + "/", "127.0.0.1 is a loopback address"),
            Map.entry("http://[::1]:" + port + "/", "is a loopback address"),
            Map.entry("http://localhost:" + port + "/", "is a loopback address"),
            Map.entry(
                "http://169.254.169.254/latest/meta-data/",
                "169.254.169.254 is the instance metadata address"),
            Map.entry("http://[fd00:ec2::254]/", "is the instance metadata address"),
            Map.entry("http://169.254.10.1/", "169.254.10.1 is a link-local address"),
            Map.entry("http://[fe80::1]/", "is a link-local address"),
            Map.entry("http://0.0.0.0:" + port + "/", "0.0.0.0 is an unspecified address"),
            Map.entry("http://[::]:" + port + "/", "is an unspecified address"),
            Map.entry("http://224.0.0.1/", "is a multicast or broadcast address"),
            Map.entry("http://[::ffff:7f00:1]:" + port + "/", "is a loopback address"),
            Map.entry("http://[::127.0.0.1]:" + port + "/", "(as an IPv4 inside IPv6)"));
    refusals.forEach(
        (url, reason) ->
            assertThatThrownBy(() -> client.fetch(URI.create(url), Method.GET, TIMEOUT))
                .as(url)
                .isInstanceOf(EgressRefused.class)
                .hasMessageContaining(reason)
                .hasMessageContaining(
                    "refused whatever faultline.executor.probes.allowed-hosts says"));
    assertThat(loopbackRequests).hasValue(0);
  }

  @Test
  void refusesANameResolvingToARefusedAddress() {
    EgressClient client =
        allowing(
            Map.of(
                "metadata.probe.test", List.of("169.254.169.254"),
                "mixed.probe.test", List.of(server.address(), "127.0.0.1")),
            "metadata.probe.test",
            "mixed.probe.test",
            "10.0.0.0/8");
    assertThatThrownBy(
            () ->
                client.fetch(
                    URI.create("http://metadata.probe.test/latest/meta-data/"),
                    Method.GET,
                    TIMEOUT))
        .isInstanceOf(EgressRefused.class)
        .hasMessageContaining(
            "metadata.probe.test (169.254.169.254) is the instance metadata address");
    // One refused address among several refuses the name: no address of it is used.
    assertThatThrownBy(
            () ->
                client.fetch(
                    URI.create("http://mixed.probe.test:" + ProbeServer.PORT + "/health"),
                    Method.GET,
                    TIMEOUT))
        .isInstanceOf(EgressRefused.class)
        .hasMessageContaining("mixed.probe.test (127.0.0.1) is a loopback address");
  }

  @Test
  void refusesThisHostsOwnAddressesEvenWhenAllowListed() {
    EgressClient client = allowing(server.hostAddress());
    assertThatThrownBy(
            () ->
                client.fetch(
                    URI.create("http://" + server.hostAddress() + ":" + ProbeServer.PORT + "/"),
                    Method.GET,
                    TIMEOUT))
        .isInstanceOf(EgressRefused.class)
        .hasMessageContaining(server.hostAddress() + " is an address of the executor's own host");
  }

  @Test
  void refusesUrlsCarryingCredentialsAndOtherSchemes() {
    EgressClient client = allowing(server.address());
    assertThatThrownBy(
            () ->
                client.fetch(
                    URI.create(
                        "http://user:secret@" + server.address() + ":" + ProbeServer.PORT + "/"),
                    Method.GET,
                    TIMEOUT))
        .isInstanceOf(EgressRefused.class)
        .hasMessage("egress refused: a URL carrying credentials (user info) is never called");
    assertThatThrownBy(
            () -> client.fetch(URI.create("ftp://" + server.address() + "/"), Method.GET, TIMEOUT))
        .isInstanceOf(EgressRefused.class)
        .hasMessage("egress refused: only http and https URLs are called, not 'ftp'");
  }

  @Test
  void answersARedirectWithoutFollowingIt() {
    EgressClient client = allowing(server.address());
    EgressResponse response = client.fetch(server.url("/redirect"), Method.GET, TIMEOUT);

    assertThat(response.status()).isEqualTo(302);
    assertThat(response.text()).isEqualTo("moved");
  }

  @Test
  void readsAtMost64KibOfABody() {
    EgressClient client = allowing(server.address());
    for (String path : List.of("/big", "/chunked-big")) {
      EgressResponse response = client.fetch(server.url(path), Method.GET, TIMEOUT);

      assertThat(response.status()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).hasSize(EgressClient.MAX_BODY_BYTES);
      assertThat(response.truncated()).as(path).isTrue();
    }
  }

  @Test
  void givesUpOnASlowServerAtTheRequestsTimeout() {
    EgressClient client = allowing(server.address());
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.fetch(server.url("/slow"), Method.GET, Duration.ofMillis(800)))
        .isInstanceOf(EgressFailed.class)
        .hasMessage(
            "no answer from " + server.address() + ":" + ProbeServer.PORT + " within 800 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void capsEveryRequestAtFiveSeconds() {
    EgressClient client = allowing(server.address());
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.fetch(server.url("/slow"), Method.GET, Duration.ofSeconds(60)))
        .isInstanceOf(EgressFailed.class)
        .hasMessageEndingWith("within 5000 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(4_900), Duration.ofMillis(7_000));
  }

  @Test
  void givesUpConnectingAfterTwoSeconds() {
    server.inside("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "9191", "-j", "DROP");
    EgressClient client = allowing(server.address());
    try {
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  client.fetch(
                      URI.create("http://" + server.address() + ":9191/"), Method.GET, TIMEOUT))
          .isInstanceOf(EgressFailed.class)
          .hasMessage("connect to " + server.address() + ":9191 timed out after 2000 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(1_900), Duration.ofMillis(4_000));
    } finally {
      server.inside("iptables", "-D", "INPUT", "-p", "tcp", "--dport", "9191", "-j", "DROP");
    }
  }

  @Test
  void reportsARefusedConnection() {
    EgressClient client = allowing(server.address());
    assertThatThrownBy(
            () ->
                client.fetch(
                    URI.create("http://" + server.address() + ":9292/"), Method.GET, TIMEOUT))
        .isInstanceOf(EgressFailed.class)
        .hasMessage("connection to " + server.address() + ":9292 refused");
  }
}
