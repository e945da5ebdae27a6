package io.faultline.scheduler.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /dev/tokens} answers only callers on this host: the connection's remote address must be a
 * loopback address (127.0.0.0/8 or ::1). Anyone else gets 403 naming the rule {@code loopbackOnly}.
 * Forwarding headers are refused too: a local proxy in front would otherwise make every remote
 * caller look local.
 */
final class LoopbackOnlyFilter extends OncePerRequestFilter {
  static final String PATH = "/dev/tokens";
  static final String RULE = "loopbackOnly";

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (isLoopback(request.getRemoteAddr())
        && request.getHeader("Forwarded") == null
        && request.getHeader("X-Forwarded-For") == null
        && request.getHeader("X-Real-IP") == null) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType("application/problem+json");
    response
        .getWriter()
        .write(
            "{\"type\":\"https://faultline.io/problems/forbidden\",\"title\":\"Forbidden\","
                + "\"status\":403,\"detail\":\"POST "
                + PATH
                + " answers only loopback callers (127.0.0.0/8, ::1) without forwarding"
                + " headers\",\"rule\":\""
                + RULE
                + "\"}");
  }

  /** A literal IPv4 or IPv6 address in 127.0.0.0/8 or ::1; never resolves a name. */
  static boolean isLoopback(String remoteAddress) {
    if (remoteAddress == null) {
      return false;
    }
    String literal = remoteAddress.replace("[", "").replace("]", "");
    int zone = literal.indexOf('%');
    literal = zone < 0 ? literal : literal.substring(0, zone);
    if (literal.matches("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$")) {
      String[] octets = literal.split("\\.");
      for (String octet : octets) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return octets[0].equals("127");
    }
    if (!literal.matches("^[0-9A-Fa-f:.]+$") || !literal.contains(":")) {
      return false;
    }
    try {
      // A literal address: getByName parses it and does no lookup.
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
