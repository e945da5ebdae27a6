package io.faultline.benchmarks.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's platform halt and resume ({@code POST /api/v1/platform/halt|resume}) as a
 * platform admin with a development token (the harness runs the scheduler in its local profile).
 */
final class PlatformHalt {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlatformHalt() {}

  static void halt(URI scheduler) {
    post(scheduler, "/api/v1/platform/halt", token(scheduler), 202);
  }

  static void resume(URI scheduler) {
    post(scheduler, "/api/v1/platform/resume", token(scheduler), 202);
  }

  private static String token(URI scheduler) {
    try {
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(scheduler.resolve("/dev/tokens"))
                  .header("content-type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          JSON.writeValueAsBytes(
                              Map.of("subject", "benchmarks", "roles", List.of("admin")))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(
            "POST /dev/tokens answered " + answer.statusCode() + ": " + answer.body());
      }
      return JSON.readTree(answer.body()).path("token").asText();
    } catch (IOException e) {
      throw new IllegalStateException("cannot mint a platform token", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void post(URI scheduler, String path, String token, int expected) {
    try {
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(scheduler.resolve(path))
                  .timeout(Duration.ofSeconds(30))
                  .header("authorization", "Bearer " + token)
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"benchmark\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != expected && answer.statusCode() != 200) {
        throw new IllegalStateException(
            "POST " + path + " answered " + answer.statusCode() + ": " + answer.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("POST " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
