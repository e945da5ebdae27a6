package io.faultline.cli.publish;

import io.faultline.cli.CliException;
import io.faultline.cli.Durations;
import io.faultline.cli.Environment;
import io.faultline.cli.ExitCode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Option;

/**
 * How {@code publish} reaches Kafka: the bootstrap servers and any client setting (security
 * protocol, SASL, TLS) from a properties file, so secrets stay out of the command line.
 */
public final class KafkaOptions {
  public static final String BOOTSTRAP_VARIABLE = "FAULTLINE_KAFKA_BOOTSTRAP";
  public static final String CONFIG_VARIABLE = "FAULTLINE_KAFKA_CONFIG";
  static final String DEFAULT_BOOTSTRAP = "localhost:9092";

  /** Settings that hold secrets: only from the file, never typed on the command line. */
  private static final List<String> SECRET_MARKERS =
      List.of("password", "jaas", "secret", "keystore.key");

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description =
          "Kafka's brokers (env FAULTLINE_KAFKA_BOOTSTRAP; default " + DEFAULT_BOOTSTRAP + ").")
  String bootstrapServers;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "A Kafka client properties file: security.protocol, sasl.mechanism, sasl.jaas.config,"
              + " ssl.* (env FAULTLINE_KAFKA_CONFIG).")
  Path configFile;

  @Option(
      names = "--kafka-property",
      paramLabel = "NAME=VALUE",
      description =
          "A Kafka client setting (repeatable; wins over the file). Secrets (passwords, JAAS,"
              + " keys) only through --kafka-config.")
  Map<String, String> properties = new HashMap<>();

  @Option(
      names = "--kafka-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "30s",
      description = "How long to wait for Kafka to take the request (default 30s).")
  Duration timeout;

  Duration timeout() {
    return timeout;
  }

  /** The producer settings. */
  Map<String, Object> producerConfig(Environment env) {
    Map<String, Object> config = new HashMap<>();
    Path file =
        configFile != null ? configFile : env.get(CONFIG_VARIABLE).map(Path::of).orElse(null);
    if (file != null) {
      Properties loaded = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        loaded.load(reader);
      } catch (IOException e) {
        throw new CliException(
            ExitCode.USAGE,
            "--kafka-config " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
      }
      loaded.forEach((k, v) -> config.put(k.toString(), v.toString()));
    }
    properties.forEach(
        (name, value) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (SECRET_MARKERS.stream().anyMatch(lower::contains)) {
            throw new CliException(
                ExitCode.USAGE,
                "--kafka-property "
                    + name
                    + " holds a secret: put it in the --kafka-config file (rule: noSecretsOnCommandLine)");
          }
          config.put(name, value);
        });
    String bootstrap =
        bootstrapServers != null
            ? bootstrapServers
            : env.get(BOOTSTRAP_VARIABLE)
                .orElse(
                    (String)
                        config.getOrDefault(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP));
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    long millis = timeout.toMillis();
    // One budget for the whole publish: metadata (max.block.ms) and delivery.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(millis));
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(millis, 30_000)));
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(millis));
    config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "faultline-cli");
    return config;
  }
}
