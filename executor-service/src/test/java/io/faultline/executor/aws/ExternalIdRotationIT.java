package io.faultline.executor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TransportException;
import io.faultline.testsupport.MotoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * During an external-id rotation's overlap the approval carries the new and the previous id: the
 * executor assumes the role with the new one first and falls back to the previous one only when STS
 * refuses with AccessDenied. moto accepts any external id, so a small proxy in front of it plays
 * the role's trust policy ({@code StringEquals sts:ExternalId}): it answers AssumeRole with STS's
 * AccessDenied error unless the external id is one the "trust policy" names, and forwards
 * everything else to moto.
 */
class ExternalIdRotationIT {
  private static final HttpClient FORWARD = HttpClient.newHttpClient();
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final Set<String> trusted = new CopyOnWriteArraySet<>();
  private HttpServer trustPolicy;
  private RequestRecorder recorder;
  private AwsAccountConnector connector;

  @BeforeEach
  void start() throws IOException {
    MotoAccounts.init();
    URI moto = MotoServer.shared().endpoint();
    trustPolicy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    trustPolicy.createContext("/", exchange -> handle(exchange, moto));
    trustPolicy.start();
    recorder = new RequestRecorder();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(URI.create("http://127.0.0.1:" + trustPolicy.getAddress().getPort()))
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder);
  }

  @AfterEach
  void stop() {
    connector.close();
    trustPolicy.stop(0);
  }

  private void handle(HttpExchange exchange, URI moto) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String form = new String(body, StandardCharsets.UTF_8);
    if (form.contains("Action=AssumeRole") && !trusted.contains(param(form, "ExternalId"))) {
      byte[] denied =
          ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                  + "<Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized"
                  + " to perform: sts:AssumeRole</Message></Error><RequestId>r-1</RequestId>"
                  + "</ErrorResponse>")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(403, denied.length);
      exchange.getResponseBody().write(denied);
      exchange.close();
      return;
    }
    HttpRequest.Builder forward =
        HttpRequest.newBuilder(moto.resolve(exchange.getRequestURI().toString()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_HEADERS.contains(name.toLowerCase())) {
                values.forEach(v -> forward.header(name, v));
              }
            });
    try {
      HttpResponse<byte[]> answer =
          FORWARD.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] out = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      exchange.getResponseBody().write(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.sendResponseHeaders(502, -1);
    } finally {
      exchange.close();
    }
  }

  private static String param(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static AccountRequest request(String account, String fault, AccountAccess access) {
    return new AccountRequest(
        FaultId.of(fault),
        TenantId.of("tenant-rot"),
        ExperimentId.of("exp-rot"),
        AccountId.of(account),
        AwsRegion.of(MotoAccounts.REGION),
        access);
  }

  private List<Object> externalIdsSent() {
    return recorder.sent("AssumeRole").stream().map(r -> r.field("ExternalId")).toList();
  }

  @Test
  void fallsBackToThePreviousIdWhileTheTrustPolicyNamesOnlyIt() {
    String account = MotoAccounts.freshAccount();
    List<String> instances = MotoAccounts.runInstances(account, 1, Map.of("app", "rot"));
    trusted.add("ext-old-id");
    AccessRequest access = new AccessRequest(account);

    AccountSession session =
        connector.connect(request(account, "f-1", access.rotated("ext-new-id", "ext-old-id")));

    assertThat(externalIdsSent()).containsExactly("ext-new-id", "ext-old-id");
    // The fallback's credentials are the account's own: they act on its instances.
    assertThat(session.runningInstancesWithTag("app", "rot"))
        .extracting(TargetDirectory.Instance::id)
        .containsExactlyElementsOf(instances);
    // The session is cached: the next fault of the same approval does not ask STS again.
    connector.connect(request(account, "f-2", access.rotated("ext-new-id", "ext-old-id")));
    assertThat(externalIdsSent()).hasSize(2);
  }

  @Test
  void usesTheNewIdAloneOnceTheTrustPolicyNamesIt() {
    String account = MotoAccounts.freshAccount();
    trusted.add("ext-new-id");

    connector.connect(
        request(account, "f-1", new AccessRequest(account).rotated("ext-new-id", "ext-old-id")));

    assertThat(externalIdsSent()).containsExactly("ext-new-id");
  }

  @Test
  void neverFallsBackWithoutAPreviousId() {
    String account = MotoAccounts.freshAccount();
    trusted.add("ext-old-id");

    assertThatThrownBy(
            () ->
                connector.connect(
                    request(
                        account,
                        "f-1",
                        new AccountAccess(MotoAccounts.roleArn(account), "ext-new-id"))))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("AccessDenied")
        .hasMessageNotContaining("ext-new-id");
    assertThat(externalIdsSent()).containsExactly("ext-new-id");
  }

  @Test
  void failsNamingBothAttemptsWhenTheTrustPolicyNamesNeither() {
    String account = MotoAccounts.freshAccount();

    assertThatThrownBy(
            () ->
                connector.connect(
                    request(
                        account,
                        "f-1",
                        new AccessRequest(account).rotated("ext-new-id", "ext-old-id"))))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("previous")
        .hasMessageNotContaining("ext-new-id")
        .hasMessageNotContaining("ext-old-id");
    assertThat(externalIdsSent()).containsExactly("ext-new-id", "ext-old-id");
    assertThat(connector.cachedSessions()).isZero();
  }

  private record AccessRequest(String account) {
    AccountAccess rotated(String current, String previous) {
      return new AccountAccess(MotoAccounts.roleArn(account), current, previous);
    }
  }
}
