package dev.cairn.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import dev.cairn.server.http.ApiVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow searches over more rows than the store reads in one page: the store is scanned page by
 * page, and the answers' pages and page tokens come out as if every row had been read at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowPagingTest {
  static final int EXPERIMENTS = 2_500;
  static final int MODELS = 1_050;

  @TempDir static Path data;
  Platform platform;
  String base;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    MlflowStore store = new MlflowStore(platform.database());
    for (int i = 0; i < EXPERIMENTS; i++) {
      store.createExperiment(
          String.format("p%04d", i), null, Map.of("parity", i % 2 == 0 ? "even" : "odd"));
    }
    for (int i = 0; i < MODELS; i++) {
      String name = String.format("m%04d", i);
      store.createRegisteredModel(
          name, null, Map.of("parity", i % 2 == 0 ? "even" : "odd"), "tester");
      store.createModelVersion(name, "s3://b/" + name, null, null, null, Map.of());
      if (i % 500 == 0) {
        store.createModelVersion(name, "s3://b/" + name + "/2", null, null, null, Map.of());
      }
    }
    ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + api.actualPort() + "/api/2.0/mlflow/";
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  JsonObject get(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Every page of a search, following next_page_token; each page but the last is full. */
  List<JsonObject> walk(String path, String field, int max) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      JsonObject page =
          get(
              path
                  + (path.contains("?") ? "&" : "?")
                  + "max_results="
                  + max
                  + (token == null
                      ? ""
                      : "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
      JsonArray items = page.getJsonArray(field, new JsonArray());
      token = page.getString("next_page_token");
      if (token != null) {
        assertThat(items.size()).isEqualTo(max);
      }
      items.forEach(o -> all.add((JsonObject) o));
      assertThat(++pages).isLessThan(100);
    } while (token != null);
    return all;
  }

  static List<String> names(List<JsonObject> items) {
    return items.stream().map(o -> o.getString("name")).toList();
  }

  static List<String> expected(String prefix, int n, int step, int from) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < n; i += step) {
      out.add(String.format("%s%04d", prefix, i));
    }
    return out;
  }

  @Test
  void experimentSearchPagesAcrossStorePages() throws Exception {
    List<JsonObject> all = walk("experiments/search?order_by=" + q("name ASC"), "experiments", 700);
    List<String> seeded =
        names(all).stream().filter(n -> n.matches("p\\d{4}")).toList(); // and Default
    assertThat(seeded).isEqualTo(expected("p", EXPERIMENTS, 1, 0));
    assertThat(all).hasSize(EXPERIMENTS + 1);

    List<JsonObject> odd =
        walk(
            "experiments/search?filter=" + q("tags.parity = 'odd' AND name LIKE 'p%'"),
            "experiments",
            400);
    assertThat(odd).hasSize(EXPERIMENTS / 2);
    // the default order: newest first, then by id
    Comparator<JsonObject> newestFirst =
        Comparator.<JsonObject>comparingLong(o -> -o.getLong("creation_time"))
            .thenComparingLong(o -> Long.parseLong(o.getString("experiment_id")));
    assertThat(odd).isSortedAccordingTo(newestFirst);
    assertThat(names(odd).stream().sorted().toList()).isEqualTo(expected("p", EXPERIMENTS, 2, 1));
  }

  @Test
  void registrySearchesPageAcrossStorePages() throws Exception {
    assertThat(names(walk("registered-models/search", "registered_models", 300)))
        .isEqualTo(expected("m", MODELS, 1, 0));
    assertThat(
            names(
                walk(
                    "registered-models/search?filter=" + q("tags.parity = 'even'"),
                    "registered_models",
                    250)))
        .isEqualTo(expected("m", MODELS, 2, 0));
    assertThat(
            names(
                walk(
                    "registered-models/search?order_by=" + q("name DESC"),
                    "registered_models",
                    1000)))
        .isEqualTo(reversed(expected("m", MODELS, 1, 0)));

    List<JsonObject> versions = walk("model-versions/search", "model_versions", 333);
    List<String> keys =
        versions.stream().map(v -> v.getString("name") + "/" + v.getString("version")).toList();
    List<String> want = new ArrayList<>();
    for (int i = 0; i < MODELS; i++) {
      String name = String.format("m%04d", i);
      if (i % 500 == 0) {
        want.add(name + "/2");
      }
      want.add(name + "/1");
    }
    assertThat(keys).isEqualTo(want);
  }

  @Test
  void aScanInScanOrderStopsOnceThePageIsFull() {
    MlflowStore small = new MlflowStore(platform.database(), 7);
    AtomicInteger seen = new AtomicInteger();
    PageCollector<MlflowStore.RegisteredModel> page =
        new PageCollector<>(
            m -> seen.incrementAndGet() > 0 && m.tags().get("parity").equals("odd"),
            Comparator.comparing(MlflowStore.RegisteredModel::name),
            true,
            10,
            5);
    small.scanRegisteredModels(page);
    JsonObject answer =
        page.answer("registered_models", m -> new JsonObject().put("name", m.name()));
    assertThat(
            answer.getJsonArray("registered_models").stream()
                .map(o -> ((JsonObject) o).getString("name")))
        .containsExactly("m0021", "m0023", "m0025", "m0027", "m0029");
    assertThat(answer.getString("next_page_token")).isNotNull();
    // 16 odd models (m0001..m0031) were needed: 32 rows, read in 5 pages of 7, not all 1,050
    assertThat(seen.get()).isEqualTo(32);

    List<String> all = new ArrayList<>();
    small.scanExperiments(e -> all.add(e.name()));
    assertThat(all).hasSize(EXPERIMENTS + 1).doesNotHaveDuplicates();
  }

  static List<String> reversed(List<String> list) {
    List<String> out = new ArrayList<>(list);
    Collections.reverse(out);
    return out;
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
