package dev.cairn.bench;

import dev.cairn.core.security.Scope;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import dev.cairn.server.http.AuthSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of authentication per request: requests/s of a cheap read route ({@code GET
 * /api/health}-like {@code GET /api/plugins}) served by two real ApiVerticles of one platform, one
 * open, one requiring a Bearer token, measured in alternating rounds so that load changes hit both.
 * Prints each round, the medians, their ratio and the machine's load average (as {@code uptime}). A
 * benchmark, not a test: it asserts nothing.
 *
 * <p>Usage: {@code tools/bench/run auth [rounds=6] [seconds-per-round=3] [concurrency=8]}.
 */
public final class AuthBench {
  private AuthBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Path dir = Files.createTempDirectory("cairn-auth-bench");
    Files.createDirectories(dir.resolve("no-plugins"));
    try (Platform platform =
        Platform.start(new CairnOptions(dir, null, dir.resolve("no-plugins"), true))) {
      String token = platform.security().createToken("bench", Scope.READ, null).token();
      String open = deploy(platform, AuthSettings.open());
      String guarded =
          deploy(
              platform,
              new AuthSettings(true, false, List.of(), AuthSettings.DEFAULT_WRITES_PER_MINUTE));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest plain = HttpRequest.newBuilder(URI.create(open + "/api/plugins")).GET().build();
      HttpRequest authed =
          HttpRequest.newBuilder(URI.create(guarded + "/api/plugins"))
              .header("Authorization", "Bearer " + token)
              .GET()
              .build();
      check(http, plain);
      check(http, authed);
      System.out.printf(
          Locale.ROOT,
          "AuthBench: GET /api/plugins, %d clients, %d rounds of %d s each way; Java %s, %d cores%n",
          concurrency,
          rounds,
          seconds,
          System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      System.out.println("load before: " + load());
      load(http, plain, concurrency, 1);
      load(http, authed, concurrency, 1); // warm-up (the first authenticated request hashes once)
      double[] without = new double[rounds];
      double[] with = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        without[i] = load(http, plain, concurrency, seconds);
        with[i] = load(http, authed, concurrency, seconds);
        System.out.printf(
            Locale.ROOT,
            "round %d: without auth %,8.0f req/s   with Bearer token %,8.0f req/s%n",
            i + 1,
            without[i],
            with[i]);
      }
      double a = median(without);
      double b = median(with);
      System.out.printf(
          Locale.ROOT,
          "median: without %,.0f req/s, with %,.0f req/s, ratio with/without %.3f%n",
          a,
          b,
          b / a);
      System.out.println("load after: " + load());
    }
  }

  private static String deploy(Platform platform, AuthSettings settings) throws Exception {
    ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0, settings);
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + api.actualPort();
  }

  private static void check(HttpClient http, HttpRequest req) throws Exception {
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(req.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** Requests per second with {@code clients} back-to-back clients for {@code seconds}. */
  private static double load(HttpClient http, HttpRequest req, int clients, int seconds)
      throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      loops.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  while (System.nanoTime() < end) {
                    HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException("status " + r.statusCode());
                    }
                    done.incrementAndGet();
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
