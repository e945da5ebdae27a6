package io.faultline.local;

import io.faultline.testsupport.CloudWatchJsonBridge;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The services' AWS on one machine: moto's server as a child process and, in front of it,
 * test-support's {@link CloudWatchJsonBridge}: the executor's CloudWatch probes speak CBOR, which
 * moto does not route.
 */
final class LocalAws implements AutoCloseable {
  private final int port;
  private final ChildProcess moto;
  private CloudWatchJsonBridge bridge;
  private boolean closed;

  private LocalAws(int port, ChildProcess moto) {
    this.port = port;
    this.moto = moto;
  }

  /** Starts moto on {@code port} and returns at once; {@link #awaitReady} waits for it. */
  static LocalAws start(int port, Path workDir) {
    return new LocalAws(port, Infrastructure.moto(port, workDir));
  }

  /** Waits until moto listens, then puts the bridge in front of it. */
  void awaitReady(Duration timeout) {
    moto.awaitListening(port, timeout);
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("stopping");
      }
      bridge = new CloudWatchJsonBridge(motoEndpoint());
    }
  }

  int port() {
    return port;
  }

  /** moto itself: for seeding, which needs no CloudWatch. */
  URI motoEndpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The bridge: the services' AWS endpoint. */
  synchronized URI servicesEndpoint() {
    if (bridge == null) {
      throw new IllegalStateException("the AWS endpoint is not ready: awaitReady first");
    }
    return bridge.endpoint();
  }

  /** Throws when moto's process has exited. */
  void failIfExited() {
    moto.failIfExited();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (bridge != null) {
        bridge.close();
      }
    }
    moto.close();
  }
}
