package io.faultline.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Well-known ports when they are free, otherwise free ones chosen by the OS. */
final class Ports {
  private Ports() {}

  /** {@code preferred} when nothing listens on it and it can be bound, otherwise a free port. */
  static int preferredOrFree(int preferred) {
    return isFree(preferred) ? preferred : free();
  }

  /** A port the OS reports free right now. */
  static int free() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** Whether {@code port} can be bound on every interface and nothing answers on loopback. */
  static boolean isFree(int port) {
    if (ChildProcess.listening(port)) {
      return false;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
