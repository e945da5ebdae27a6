package io.faultline.executor.probe.egress;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.client.config.CookieSpecs;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpHead;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.config.Registry;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.HttpHostConnectException;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.BasicHttpClientConnectionManager;

/**
 * The one HTTP client of probes. Each request: the {@link EgressGuard} checks the URL and resolves
 * its host once; the connection goes to that checked address (the host name is kept for the Host
 * header, TLS SNI and the certificate check, and any other lookup is refused); connect within 2 s,
 * everything within the request's timeout (at most 5 s); at most 64 KiB of the body read, the
 * connection then closed so the rest is never read; no redirect followed, no cookie, credential or
 * proxy used, no retry.
 *
 * <p>Thread-safe; one connection per request (nothing pooled, so no connection outlives the check
 * that allowed it); owns no thread (deadlines run on the JDK's shared delayed executor), so it
 * needs no closing.
 */
public final class EgressClient {
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** The methods probes use: neither sends a body. */
  public enum Method {
    GET,
    HEAD
  }

  private final EgressGuard guard;
  private final Registry<ConnectionSocketFactory> sockets;

  EgressClient(EgressGuard guard) {
    this.guard = guard;
    this.sockets =
        RegistryBuilder.<ConnectionSocketFactory>create()
            .register("http", PlainConnectionSocketFactory.getSocketFactory())
            .register("https", SSLConnectionSocketFactory.getSocketFactory())
            .build();
  }

  /** The client the settings allow: this host's addresses refused, names resolved by the JVM. */
  public static EgressClient of(EgressSettings settings) {
    return of(settings, HostResolver.SYSTEM);
  }

  /** The same with another resolver (tests: a name pointing at an address of their choosing). */
  public static EgressClient of(EgressSettings settings, HostResolver resolver) {
    return new EgressClient(
        new EgressGuard(settings.allowList(), ForbiddenAddresses.withThisHost(), resolver));
  }

  /**
   * Calls {@code uri} once.
   *
   * @param timeout the total time allowed, capped at {@link #MAX_TIMEOUT}
   * @throws EgressRefused when the rules do not let the URL out (nothing was sent)
   * @throws EgressFailed when it was allowed but got no answer in time or the connection broke
   */
  public EgressResponse fetch(URI uri, Method method, Duration timeout) {
    Destination to = guard.check(uri);
    long total = Math.max(1, Math.min(timeout.toMillis(), MAX_TIMEOUT.toMillis()));
    HttpRequestBase request = method == Method.HEAD ? new HttpHead(uri) : new HttpGet(uri);
    request.setConfig(config(total));
    // The address is set on the target, so the connection goes there without any lookup.
    HttpHost target =
        new HttpHost(to.address(), to.host(), to.port(), to.https() ? "https" : "http");
    AtomicBoolean expired = new AtomicBoolean();
    // Cancelled once the request ends; a cancelled deadline never runs its abort.
    CompletableFuture<Void> deadline =
        CompletableFuture.runAsync(
            () -> {
              expired.set(true);
              request.abort();
            },
            CompletableFuture.delayedExecutor(total, TimeUnit.MILLISECONDS));
    long start = System.nanoTime();
    try (CloseableHttpClient client = client();
        CloseableHttpResponse response = client.execute(target, request)) {
      int status = response.getStatusLine().getStatusCode();
      byte[] read = method == Method.HEAD ? new byte[0] : readBounded(response.getEntity());
      long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (expired.get()) {
        throw new EgressFailed(noAnswer(to, total));
      }
      boolean truncated = read.length > MAX_BODY_BYTES;
      // Shut the connection rather than drain what was not read.
      request.abort();
      return new EgressResponse(
          status, latencyMs, truncated ? Arrays.copyOf(read, MAX_BODY_BYTES) : read, truncated);
    } catch (IOException e) {
      throw new EgressFailed(expired.get() ? noAnswer(to, total) : describe(to, e, total));
    } finally {
      deadline.cancel(false);
      request.abort();
    }
  }

  private static byte[] readBounded(HttpEntity entity) throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    InputStream in = entity.getContent();
    return in.readNBytes(MAX_BODY_BYTES + 1);
  }

  private CloseableHttpClient client() {
    BasicHttpClientConnectionManager connections =
        new BasicHttpClientConnectionManager(
            sockets,
            null,
            null,
            host -> {
              throw new UnknownHostException(host + ": probes connect to checked addresses only");
            });
    return HttpClients.custom()
        .setConnectionManager(connections)
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableAutomaticRetries()
        .disableContentCompression()
        .setUserAgent("faultline-probe")
        .build();
  }

  private static RequestConfig config(long totalMs) {
    int connect = (int) Math.min(CONNECT_TIMEOUT.toMillis(), totalMs);
    return RequestConfig.custom()
        .setConnectTimeout(connect)
        .setConnectionRequestTimeout(connect)
        .setSocketTimeout((int) totalMs)
        .setRedirectsEnabled(false)
        .setAuthenticationEnabled(false)
        .setCookieSpec(CookieSpecs.IGNORE_COOKIES)
        .build();
  }

  private static String noAnswer(Destination to, long totalMs) {
    return "no answer from " + where(to) + " within " + totalMs + " ms";
  }

  private static String describe(Destination to, IOException e, long totalMs) {
    if (e instanceof ConnectTimeoutException) {
      return "connect to " + where(to) + " timed out after " + CONNECT_TIMEOUT.toMillis() + " ms";
    }
    if (e instanceof HttpHostConnectException) {
      return "connection to " + where(to) + " refused";
    }
    if (e instanceof SocketTimeoutException) {
      return noAnswer(to, totalMs);
    }
    String kind = e instanceof SSLException ? "TLS with " : "request to ";
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return bounded(kind + where(to) + " failed: " + message);
  }

  private static String where(Destination to) {
    String ip = to.address().getHostAddress();
    String host = to.host().equalsIgnoreCase(ip) ? ip : to.host() + " (" + ip + ")";
    return host + ":" + to.port();
  }

  private static String bounded(String text) {
    return text.length() <= 300 ? text : text.substring(0, 297) + "...";
  }
}
