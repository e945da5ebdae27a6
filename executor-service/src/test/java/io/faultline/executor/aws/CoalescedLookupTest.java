package io.faultline.executor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CoalescedLookupTest {
  private final CoalescedLookup<String> lookup = new CoalescedLookup<>(50, id -> id);

  /** A stand-in for DescribeInstanceInformation: every id ending in an even digit is online. */
  private static List<String> online(List<String> ids) {
    return ids.stream().filter(id -> (id.charAt(id.length() - 1) - '0') % 2 == 0).toList();
  }

  @Test
  void anIdleSessionCallsAtOnceWithTheCallersIdsOnly() {
    List<List<String>> calls = new CopyOnWriteArrayList<>();

    List<String> answer =
        lookup.lookup(
            List.of("i-1", "i-2"),
            ids -> {
              calls.add(ids);
              return online(ids);
            });

    assertThat(answer).containsExactly("i-2");
    assertThat(calls).containsExactly(List.of("i-1", "i-2"));
  }

  @Test
  void lookUpsAskedWhileACallIsInFlightGoOutAsOneCallAndEachGetsItsOwnIds() throws Exception {
    List<List<String>> calls = new CopyOnWriteArrayList<>();
    CountDownLatch firstCallStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstCall = new CountDownLatch(1);
    Function<List<String>, List<String>> call =
        ids -> {
          calls.add(ids);
          if (calls.size() == 1) {
            firstCallStarted.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> releaseFirstCall.getCount() == 0);
          }
          return online(ids);
        };
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<List<String>> first = threads.submit(() -> lookup.lookup(List.of("i-0"), call));
      firstCallStarted.await();
      Map<Integer, Future<List<String>>> others = new ConcurrentHashMap<>();
      for (int i = 1; i <= 20; i++) {
        int n = i;
        others.put(
            n, threads.submit(() -> lookup.lookup(List.of("i-" + n + "1", "i-" + n + "2"), call)));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> lookup.waitingIds() == 40);
      releaseFirstCall.countDown();

      assertThat(first.get()).containsExactly("i-0");
      for (var entry : others.entrySet()) {
        assertThat(entry.getValue().get()).containsExactly("i-" + entry.getKey() + "2");
      }
    }
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1)).hasSize(40);
  }

  @Test
  void aLookUpOverTheLimitOfOneCallIsAskedOnItsOwn() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      many.add("i-" + i);
    }
    AtomicInteger calls = new AtomicInteger();

    List<String> answer =
        lookup.lookup(
            many,
            ids -> {
              calls.incrementAndGet();
              return online(ids);
            });

    assertThat(answer).hasSize(30);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aFailedCallFailsEveryCallerOfItsBatchAndTheNextLookUpCallsAgain() throws Exception {
    CountDownLatch firstCallStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstCall = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    Function<List<String>, List<String>> failing =
        ids -> {
          if (calls.incrementAndGet() == 1) {
            firstCallStarted.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> releaseFirstCall.getCount() == 0);
          }
          throw new TransportException("DescribeInstanceInformation failed: throttled");
        };
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<List<String>> first = threads.submit(() -> lookup.lookup(List.of("i-0"), failing));
      firstCallStarted.await();
      List<Future<List<String>>> waiting = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        String id = "i-" + i;
        waiting.add(threads.submit(() -> lookup.lookup(List.of(id), failing)));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> lookup.waitingIds() == 3);
      releaseFirstCall.countDown();

      assertThatThrownBy(first::get).hasCauseInstanceOf(TransportException.class);
      for (Future<List<String>> each : waiting) {
        assertThatThrownBy(each::get)
            .hasCauseInstanceOf(TransportException.class)
            .hasStackTraceContaining("throttled");
      }
    }
    assertThat(calls).hasValue(2);

    assertThat(lookup.lookup(List.of("i-4"), CoalescedLookupTest::online)).containsExactly("i-4");
  }
}
