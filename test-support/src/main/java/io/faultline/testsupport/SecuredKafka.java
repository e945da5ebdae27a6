package io.faultline.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A one-node KRaft broker in this JVM with the security a shared production cluster has: a {@code
 * SASL_SSL} listener (SCRAM-SHA-512 over TLS, with a key pair and certificate made by the JDK's
 * {@code keytool} at start) and the standard authorizer, which denies whatever no ACL allows.
 *
 * <p>The broker also keeps a plaintext listener for its own controller and inter-broker traffic;
 * the test uses it, as the cluster's operator, to create topics, SCRAM users and ACLs ({@link
 * #operatorAdmin()}). Clients under test connect to {@link #bootstrapServers()} only.
 */
public final class SecuredKafka implements AutoCloseable {
  public static final String MECHANISM = "SCRAM-SHA-512";

  private final EmbeddedKafkaKraftBroker broker;
  private final String bootstrapServers;
  private final Path truststore;
  private final String storePassword;
  private final Path directory;

  private SecuredKafka(
      EmbeddedKafkaKraftBroker broker,
      String bootstrapServers,
      Path truststore,
      String storePassword,
      Path directory) {
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.truststore = truststore;
    this.storePassword = storePassword;
    this.directory = directory;
  }

  /** Makes a certificate for localhost, then starts the broker. */
  public static SecuredKafka start() {
    try {
      Path directory = Files.createTempDirectory("faultline-secured-kafka");
      String password = HexFormat.of().formatHex(SecureRandom.getSeed(12));
      Path keystore = directory.resolve("broker.p12");
      Path certificate = directory.resolve("broker.crt");
      Path truststore = directory.resolve("truststore.p12");
      keytool(
          "-genkeypair",
          "-alias",
          "broker",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-validity",
          "2",
          "-dname",
          "CN=localhost",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-keystore",
          keystore.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password,
          "-keypass",
          password);
      keytool(
          "-exportcert",
          "-alias",
          "broker",
          "-rfc",
          "-file",
          certificate.toString(),
          "-keystore",
          keystore.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "broker",
          "-file",
          certificate.toString(),
          "-keystore",
          truststore.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);

      int port = LoopbackPorts.free();
      EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
      Map<String, String> properties = new HashMap<>();
      properties.put(
          "listeners",
          "EXTERNAL://localhost:0,SECURE://localhost:" + port + ",CONTROLLER://localhost:0");
      properties.put(
          "listener.security.protocol.map",
          "EXTERNAL:PLAINTEXT,SECURE:SASL_SSL,CONTROLLER:PLAINTEXT");
      properties.put("listener.name.secure.sasl.enabled.mechanisms", MECHANISM);
      properties.put(
          "listener.name.secure.scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      properties.put("listener.name.secure.ssl.keystore.location", keystore.toString());
      properties.put("listener.name.secure.ssl.keystore.password", password);
      properties.put("listener.name.secure.ssl.key.password", password);
      properties.put("listener.name.secure.ssl.keystore.type", "PKCS12");
      properties.put(
          "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      // The plaintext listeners (controller, inter-broker, the operator's admin) authenticate no
      // one; their ANONYMOUS principal is the cluster's own.
      properties.put("super.users", "User:ANONYMOUS");
      properties.put("allow.everyone.if.no.acl.found", "false");
      // Without these, transactions (Kafka Streams exactly_once_v2) hang on a one-broker cluster.
      properties.put("transaction.state.log.replication.factor", "1");
      properties.put("transaction.state.log.min.isr", "1");
      properties.put("offsets.topic.replication.factor", "1");
      properties.put("group.initial.rebalance.delay.ms", "0");
      properties.put("auto.create.topics.enable", "false");
      broker.brokerProperties(properties);
      broker.afterPropertiesSet();
      Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
      return new SecuredKafka(broker, "localhost:" + port, truststore, password, directory);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the secured broker", e);
    }
  }

  /** The SASL_SSL listener: the only one clients under test use. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The PKCS12 truststore holding the broker's certificate. */
  public Path truststore() {
    return truststore;
  }

  public String truststorePassword() {
    return storePassword;
  }

  /** Client settings of {@code user} on the secured listener, as Kafka names them. */
  public Map<String, Object> clientSettings(String user, String password) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    settings.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
    settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password));
    settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
    settings.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, storePassword);
    settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    return settings;
  }

  /** The JAAS line a SCRAM client logs in with. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /**
   * The operator's plaintext listener (a super user): for the test's own set-up and observation,
   * never for clients under test.
   */
  public String operatorBootstrapServers() {
    return broker.getBrokersAsString();
  }

  /** An admin client on the operator's listener; the caller closes it. */
  public Admin operatorAdmin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, operatorBootstrapServers()));
  }

  /** Creates a SCRAM-SHA-512 user. */
  public void addUser(String user, String password) {
    try (Admin admin = operatorAdmin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create SCRAM user " + user, e);
    }
  }

  /** Adds ACLs. */
  public void allow(Collection<AclBinding> acls) {
    try (Admin admin = operatorAdmin()) {
      admin.createAcls(new ArrayList<>(acls)).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create ACLs", e);
    }
  }

  /** Creates topics that do not exist yet. */
  public void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = operatorAdmin()) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void keytool(String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool " + arguments[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    broker.destroy();
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Temporary files only; the OS cleans /tmp.
    }
  }
}
