package io.faultline.scheduler.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.scheduler.state.Keys;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.web.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Reads a tenant's state wherever it lives: from this instance's store when this instance owns the
 * tenant's partition, otherwise from the owner over HTTP (Kafka Streams interactive queries
 * metadata), forwarding the caller's own credentials so the owner applies the same checks.
 */
@Component
public class StateQueries {
  private final SchedulerEngine engine;
  private final SchedulerProperties properties;
  private final RestClient http = RestClient.create();

  StateQueries(SchedulerEngine engine, SchedulerProperties properties) {
    this.engine = engine;
    this.properties = properties;
  }

  /** One entry of a tenant ({@code id} null: the tenant's own entry, as in the tenants store). */
  public <T> Optional<T> get(String store, String tenantId, String id, Class<T> type) {
    return read(store, tenantId, id).stream().findFirst().map(b -> StateJson.read(b, type));
  }

  /** Every entry of a tenant in a store. */
  public <T> List<T> list(String store, String tenantId, Class<T> type) {
    return list(store, tenantId, "", type);
  }

  /** Every entry of a tenant whose id starts with {@code idPrefix}, in key order. */
  public <T> List<T> list(String store, String tenantId, String idPrefix, Class<T> type) {
    return read(store, tenantId, idPrefix + "*").stream()
        .map(b -> StateJson.read(b, type))
        .toList();
  }

  /**
   * Waits until a write is visible (read-your-writes for the API), polling the owner.
   *
   * @throws UnavailableException if it is not visible within the apply timeout
   */
  public <T> Optional<T> await(
      String store, String tenantId, String id, Class<T> type, Predicate<Optional<T>> done) {
    Instant deadline = Instant.now().plus(properties.applyTimeout());
    while (true) {
      Optional<T> value;
      try {
        value = get(store, tenantId, id, type);
      } catch (UnavailableException e) {
        value = null;
      }
      if (value != null && done.test(value)) {
        return value;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new UnavailableException(
            "the change was accepted but is not visible yet; read it again shortly");
      }
      try {
        // Read-your-write after a command: the store is updated by another thread (the Streams
        // task), with no notification to wait on, so a short bounded poll is the simplest honest
        // wait.
        Thread.sleep(Duration.ofMillis(25));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted", e);
      }
    }
  }

  /**
   * Raw values: {@code id} ending in "*" for a prefix scan of the tenant's ids, null for the
   * tenant's own entry.
   */
  List<byte[]> read(String store, String tenantId, String id) {
    KafkaStreams streams = engine.streams();
    if (streams == null) {
      throw new UnavailableException("the scheduler engine is starting");
    }
    KeyQueryMetadata owner;
    try {
      owner = streams.queryMetadataForKey(store, tenantId, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      throw new UnavailableException("the scheduler engine is not running", e);
    }
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      throw new UnavailableException("no instance owns tenant " + tenantId + " right now");
    }
    String host = owner.activeHost().host() + ":" + owner.activeHost().port();
    if (host.equals(engine.self())) {
      return readLocal(store, tenantId, id, owner.partition());
    }
    return readRemote(host, store, tenantId, id);
  }

  /** Reads this instance's store only; fails if another instance owns the tenant. */
  List<byte[]> readLocal(String store, String tenantId, String id, Integer partition) {
    KafkaStreams streams = engine.streams();
    if (streams == null) {
      throw new UnavailableException("the scheduler engine is starting");
    }
    try {
      StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> parameters =
          StoreQueryParameters.fromNameAndType(
              store, QueryableStoreTypes.<String, byte[]>keyValueStore());
      if (partition != null) {
        parameters = parameters.withPartition(partition);
      }
      ReadOnlyKeyValueStore<String, byte[]> view = streams.store(parameters);
      List<byte[]> out = new ArrayList<>();
      if (id != null && id.endsWith("*")) {
        String prefix = Keys.of(tenantId, id.substring(0, id.length() - 1));
        try (KeyValueIterator<String, byte[]> it =
            view.prefixScan(prefix, Serdes.String().serializer())) {
          while (it.hasNext()) {
            KeyValue<String, byte[]> next = it.next();
            out.add(next.value);
          }
        }
      } else {
        byte[] value = view.get(id == null ? tenantId : Keys.of(tenantId, id));
        if (value != null) {
          out.add(value);
        }
      }
      return out;
    } catch (InvalidStateStoreException e) {
      throw new UnavailableException("state is moving between instances; retry", e);
    }
  }

  /** The partition of a tenant when this instance owns it. */
  Integer localPartition(String store, String tenantId) {
    KafkaStreams streams = engine.streams();
    if (streams == null) {
      throw new UnavailableException("the scheduler engine is starting");
    }
    KeyQueryMetadata owner =
        streams.queryMetadataForKey(store, tenantId, Serdes.String().serializer());
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      throw new UnavailableException("no instance owns tenant " + tenantId + " right now");
    }
    String host = owner.activeHost().host() + ":" + owner.activeHost().port();
    if (!host.equals(engine.self())) {
      throw new UnavailableException("tenant " + tenantId + " moved to another instance");
    }
    return owner.partition();
  }

  private List<byte[]> readRemote(String host, String store, String tenantId, String id) {
    try {
      JsonNode body =
          StateJson.tree(
              http.get()
                  .uri(
                      "http://" + host + InternalStoreController.PATH + "?key={key}",
                      tenantId,
                      store,
                      id == null ? "" : id)
                  .headers(h -> copyAuthorization(h))
                  .retrieve()
                  .body(byte[].class));
      List<byte[]> out = new ArrayList<>();
      body.forEach(node -> out.add(StateJson.write(node)));
      return out;
    } catch (RestClientException e) {
      throw new UnavailableException(
          "the instance owning tenant " + tenantId + " did not answer", e);
    }
  }

  private static void copyAuthorization(HttpHeaders headers) {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
      HttpServletRequest request = attrs.getRequest();
      String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
      if (authorization != null) {
        headers.set(HttpHeaders.AUTHORIZATION, authorization);
      }
    }
  }
}
