package io.faultline.executor.aws;

import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport.DocumentVersion;
import io.faultline.executor.fault.TargetDirectory.Instance;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.probe.CloudWatchConnector;
import io.faultline.executor.probe.CloudWatchReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Opens sessions in tenant accounts. Base credentials come from the SDK's default chain (env,
 * profile, web identity / IRSA); per (account, region, role, tenant, experiment) it assumes the
 * approval's role with the tenant's external id, session tags {@code faultline-tenant} and {@code
 * faultline-experiment}, a source identity {@code faultline-<tenant>} and a role session name
 * derived from the fault id that first needed it. The credentials and the clients built on them are
 * cached and refreshed {@link AwsSettings#refreshBefore()} before expiry. Run watches read
 * CloudWatch through the same sessions ({@link #cloudWatch}, ADR 0010).
 */
public final class AwsAccountConnector
    implements AccountConnector, CloudWatchConnector, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AwsAccountConnector.class);
  private static final Pattern NOT_SESSION_NAME = Pattern.compile("[^\\w+=,.@-]");
  private static final int MAX_CACHED_SESSIONS = 10_000;

  private final AwsSettings settings;
  private final AwsCredentialsProvider baseCredentials;
  private final RequestRecorder recorder;
  private final AwsCallMetrics metrics;
  private final SdkHttpClient http;
  private final Resilience resilience;
  private final Map<String, StsClient> stsByRegion = new ConcurrentHashMap<>();
  private final Map<String, Clients> sessions = new ConcurrentHashMap<>();
  private final ReentrantLock[] opening = stripes(32);
  private final Map<String, DocumentVersion> documents = new ConcurrentHashMap<>();

  /**
   * @param recorder sees every request (tests and the benchmark); null for none
   */
  public AwsAccountConnector(AwsSettings settings, RequestRecorder recorder) {
    this(settings, recorder, new CompositeMeterRegistry());
  }

  /**
   * @param recorder sees every request (tests and the benchmark); null for none
   * @param meters counts and times every AWS call ({@code faultline.aws.calls}, {@code
   *     faultline.aws.call.duration})
   */
  public AwsAccountConnector(AwsSettings settings, RequestRecorder recorder, MeterRegistry meters) {
    this.settings = settings;
    this.recorder = recorder;
    this.metrics = new AwsCallMetrics(meters);
    this.baseCredentials = DefaultCredentialsProvider.builder().build();
    this.http =
        ApacheHttpClient.builder()
            .maxConnections(settings.maxConnections())
            // Waiting for a pooled connection is back-pressure from thousands of faults, not a
            // failure of the account: wait as long as a call may take.
            .connectionAcquisitionTimeout(settings.callTimeout())
            .build();
    this.resilience = new Resilience(settings);
  }

  @Override
  public AccountSession connect(AccountRequest request) {
    return new AwsAccountSession(request, session(request), resilience, documents);
  }

  @Override
  public CloudWatchReader cloudWatch(AccountRequest request) {
    return new AwsCloudWatchReader(request, session(request), resilience);
  }

  /** The cached assumed-role session of the request's account, opened (and proven) if needed. */
  private Clients session(AccountRequest request) {
    String account = request.accountId().value();
    if (!request.access().roleArn().startsWith("arn:aws:iam::" + account + ":role/")
        && !request.access().roleArn().matches("^arn:aws[a-z-]*:iam::" + account + ":role/.+")) {
      // Never act in an account other than the approved one, whatever the role says.
      throw new TransportException("role is not in account " + account);
    }
    String previous = request.access().previousExternalId();
    String key =
        String.join(
            "|",
            account,
            request.region().value(),
            request.access().roleArn(),
            sha256(request.access().externalId()),
            previous == null ? "" : sha256(previous),
            request.tenantId().value(),
            request.experimentId() == null ? "" : request.experimentId().value());
    Clients clients = openedOnce(key, request);
    clients.lastUsed = Instant.now();
    try {
      assume(request, clients);
    } catch (RuntimeException e) {
      sessions.remove(key, clients);
      clients.close();
      if (previous == null || !AwsErrors.accessDenied(e)) {
        throw new TransportException(
            "AssumeRole into " + account + " failed: " + AwsErrors.describe(e), e);
      }
      // An external-id rotation's overlap: the role's trust policy does not name the new id yet.
      log.warn(
          "AssumeRole into {} with the current external id was refused ({}); using the previous"
              + " one while the rotation's overlap lasts",
          account,
          AwsErrors.describe(e));
      clients = open(request, previous);
      try {
        assume(request, clients);
      } catch (RuntimeException fallback) {
        clients.close();
        throw new TransportException(
            "AssumeRole into "
                + account
                + " failed with the current external id ("
                + AwsErrors.describe(e)
                + ") and with the previous one: "
                + AwsErrors.describe(fallback),
            fallback);
      }
      Clients replaced = sessions.put(key, clients);
      if (replaced != null && replaced != clients) {
        replaced.close();
      }
    }
    if (sessions.size() > MAX_CACHED_SESSIONS) {
      evictIdle();
    }
    return clients;
  }

  /**
   * The cached clients of {@code key}, built once. Not inside {@code computeIfAbsent}: building
   * four SDK clients takes tens of milliseconds, and a virtual thread blocked in a map's bin lock
   * pins one of the few carrier threads (measured: 23–118 ms pins in P2's profile). A striped
   * {@link ReentrantLock} parks the fault threads that wait for the same session instead.
   */
  private Clients openedOnce(String key, AccountRequest request) {
    Clients clients = sessions.get(key);
    if (clients != null) {
      return clients;
    }
    ReentrantLock lock = opening[Math.floorMod(key.hashCode(), opening.length)];
    lock.lock();
    try {
      clients = sessions.get(key);
      if (clients == null) {
        clients = open(request, request.access().externalId());
        sessions.put(key, clients);
      }
      return clients;
    } finally {
      lock.unlock();
    }
  }

  private void assume(AccountRequest request, Clients clients) {
    resilience.call(
        "sts:AssumeRole",
        request.tenantId().value(),
        request.accountId().value(),
        request.region().value(),
        false,
        () -> clients.credentials.resolveCredentials());
  }

  private Clients open(AccountRequest request, String externalId) {
    Region region = Region.of(request.region().value());
    StsClient sts =
        stsByRegion.computeIfAbsent(
            region.id(),
            r ->
                configure(StsClient.builder(), "", region)
                    .credentialsProvider(baseCredentials)
                    .build());
    List<Tag> tags = new ArrayList<>();
    tags.add(Tag.builder().key("faultline-tenant").value(request.tenantId().value()).build());
    if (request.experimentId() != null) {
      tags.add(
          Tag.builder().key("faultline-experiment").value(request.experimentId().value()).build());
    }
    AssumeRoleRequest assume =
        AssumeRoleRequest.builder()
            .roleArn(request.access().roleArn())
            .externalId(externalId)
            .roleSessionName(sessionName(request.faultId().value()))
            .sourceIdentity(sessionName(request.tenantId().value()))
            .durationSeconds((int) settings.sessionDuration().toSeconds())
            .tags(tags)
            .build();
    AwsCredentialsProvider credentials =
        StsAssumeRoleCredentialsProvider.builder()
            .stsClient(sts)
            .refreshRequest(assume)
            .prefetchTime(settings.refreshBefore())
            .staleTime(settings.refreshBefore().dividedBy(2))
            .asyncCredentialUpdateEnabled(false)
            .build();
    log.info(
        "assuming {} in {}/{} for tenant {}",
        request.access().roleArn(),
        request.accountId(),
        region.id(),
        request.tenantId());
    return new Clients(
        credentials,
        configure(Ec2Client.builder(), request.accountId().value(), region)
            .credentialsProvider(credentials)
            .build(),
        configure(EcsClient.builder(), request.accountId().value(), region)
            .credentialsProvider(credentials)
            .build(),
        configure(SsmClient.builder(), request.accountId().value(), region)
            .credentialsProvider(credentials)
            .build(),
        configure(CloudWatchClient.builder(), request.accountId().value(), region)
            .credentialsProvider(credentials)
            .build());
  }

  private <
          B extends
              software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>
                  & software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>>
      B configure(B builder, String account, Region region) {
    ClientOverrideConfiguration.Builder override =
        ClientOverrideConfiguration.builder()
            // Resilience4j retries (with jitter, breaker and limits); the SDK must not retry too.
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(settings.callTimeout());
    List<ExecutionInterceptor> interceptors = new ArrayList<>();
    interceptors.add(metrics);
    if (recorder != null) {
      interceptors.add(recorder.interceptor(account, region.id()));
    }
    override.executionInterceptors(interceptors);
    builder.httpClient(http).region(region).overrideConfiguration(override.build());
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder;
  }

  static String sessionName(String value) {
    String name = "faultline-" + NOT_SESSION_NAME.matcher(value).replaceAll("-");
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void evictIdle() {
    Instant cutoff = Instant.now().minus(settings.sessionDuration());
    sessions
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue().lastUsed.isBefore(cutoff)) {
                e.getValue().close();
                return true;
              }
              return false;
            });
  }

  /** The recorder given at construction, or null. */
  public RequestRecorder recorder() {
    return recorder;
  }

  /** How many assumed-role sessions are cached (for tests and metrics). */
  public int cachedSessions() {
    return sessions.size();
  }

  @Override
  public void close() {
    sessions.values().forEach(Clients::close);
    sessions.clear();
    stsByRegion.values().forEach(StsClient::close);
    http.close();
    resilience.close();
  }

  /** The clients of one assumed-role session. */
  static final class Clients {
    final AwsCredentialsProvider credentials;
    final Ec2Client ec2;
    final EcsClient ecs;
    final SsmClient ssm;
    final CloudWatchClient cloudWatch;
    // Look-ups by id of all the faults sharing this session, coalesced while one is in flight.
    final CoalescedLookup<Instance> instanceLookup =
        new CoalescedLookup<>(AwsAccountSession.FILTER_VALUES, Instance::id);
    final CoalescedLookup<String> ssmOnlineLookup =
        new CoalescedLookup<>(AwsAccountSession.SSM_INFO_FILTER_VALUES, id -> id);
    volatile Instant lastUsed = Instant.now();

    Clients(
        AwsCredentialsProvider credentials,
        Ec2Client ec2,
        EcsClient ecs,
        SsmClient ssm,
        CloudWatchClient cloudWatch) {
      this.credentials = credentials;
      this.ec2 = ec2;
      this.ecs = ecs;
      this.ssm = ssm;
      this.cloudWatch = cloudWatch;
    }

    void close() {
      ec2.close();
      ecs.close();
      ssm.close();
      cloudWatch.close();
      if (credentials instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          log.debug("closing a credentials provider failed", e);
        }
      }
    }
  }

  private static ReentrantLock[] stripes(int count) {
    ReentrantLock[] locks = new ReentrantLock[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new ReentrantLock();
    }
    return locks;
  }
}
