package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard's Sweeps view in Debian's headless chromium, against {@code cairn serve} on an H2
 * file: real sweeps of an MLP on XOR run in the server while the page is open. Each table cell,
 * line and bar is checked against what the REST API says. Screenshots go to {@code
 * target/dashboard-screenshots} with the other views'.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepDashboardBrowserTest {
  /** name, epochs, method, parameters and the rest of the sweep file. */
  private static final String SWEEP =
      """
      name: %s
      experiment: sweeps-ui
      spec:
        seed: 7
        device: cpu
        epochs: %d
        logging: {everySteps: 8}
        dataset: {plugin: xor, repeat: 32, batchSize: 16}
        model: {plugin: mlp, hidden: [8], activation: tanh}
        optimizer: {plugin: adam, lr: 0.01}
        loss: softmax-cross-entropy
      method: %s
      metric: {name: epoch/train_loss, goal: minimize}
      parameters:
      %s
      """;

  @TempDir static Path data;
  private CairnProcess.Server server;
  private String base;
  private DashboardBrowser browser;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void serve() throws Exception {
    assumeTrue(
        DashboardBrowser.available(),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    // the stop test sweeps 3000-epoch trials (so that one is surely training when Stop is
    // clicked): more than the default --max-epochs of 1000 that sweeps are now held to
    server = CairnProcess.serve(data, "--max-epochs", "5000");
    base = server.base();
    browser = new DashboardBrowser();
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private String submit(String yaml) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/sweeps"))
                .header("Content-Type", "text/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("id");
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private void open(String hash) {
    browser.driver.get(base + "/" + hash);
  }

  private List<WebElement> all(String css) {
    return browser.driver.findElements(By.cssSelector(css));
  }

  /**
   * An element's text, read in one script: the view redraws as data arrives, so no element handle
   * is kept.
   */
  private String text(String css) {
    Object t =
        browser.js(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null;",
            css);
    assertThat(t).as("an element " + css).isNotNull();
    return (String) t;
  }

  /** The trials table as shown, read in one script: trial number -> cells. */
  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> trialRows() {
    return (Map<String, Map<String, Object>>)
        browser.js(
            """
        const out = {};
        for (const tr of document.querySelectorAll('.trials-table tbody tr')) {
          const params = {};
          for (const td of tr.querySelectorAll('td.param')) params[td.dataset.param] = td.textContent.trim();
          out[tr.dataset.trial] = { run: tr.dataset.run, href: tr.querySelector('a.run-link').getAttribute('href'),
            status: tr.querySelector('td.status').textContent.trim(), value: tr.querySelector('td.value').textContent.trim(),
            best: tr.classList.contains('best'), params };
        }
        return out;""");
  }

  /** Waits, on the open page and without reloading it, until the sweep's badge shows its end. */
  private void awaitShownStatus(String sweepId, String status) {
    browser.await(
        "the page shows sweep " + sweepId + " " + status,
        d ->
            Boolean.TRUE.equals(
                browser.js(
                    "const b = document.querySelector(`.sweep-detail[data-sweep='${arguments[0]}'] .sweep-status`); return !!b && b.textContent === arguments[1];",
                    sweepId,
                    status)));
  }

  /**
   * Every trial of the REST API has its row, with its status, sampled values and value as shown.
   */
  private void assertTrialsTableMatches(String sweepId, List<String> params) throws Exception {
    JsonArray trials = get("/api/sweeps/" + sweepId + "/trials").getJsonArray("trials");
    browser.await("one row per trial", d -> trialRows().size() == trials.size());
    Map<String, Map<String, Object>> rows = trialRows();
    for (int i = 0; i < trials.size(); i++) {
      JsonObject t = trials.getJsonObject(i);
      Map<String, Object> row = rows.get(String.valueOf(t.getInteger("trialNo")));
      assertThat(row).as("row of trial %d", t.getInteger("trialNo")).isNotNull();
      assertThat(row.get("run")).isEqualTo(t.getString("runId"));
      assertThat((String) row.get("href"))
          .startsWith("#/scalars")
          .contains("runs=" + t.getString("runId"));
      if (t.getString("status").equals("PRUNED")) {
        assertThat(row.get("status")).isEqualTo("pruned @ step " + t.getLong("prunedStep"));
      } else {
        assertThat(row.get("status")).isEqualTo(t.getString("status").toLowerCase());
      }
      String value = (String) row.get("value");
      if (t.getValue("value") == null) {
        assertThat(value).isEqualTo("–");
      } else {
        // the table shows 4 significant digits
        assertThat(Double.parseDouble(value))
            .as("trial %d's value", t.getInteger("trialNo"))
            .isCloseTo(t.getDouble("value"), Percentage.withPercentage(0.1));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> shownParams = (Map<String, Object>) row.get("params");
      for (String p : params) {
        String shown = (String) shownParams.get(p);
        Object sampled = t.getJsonObject("params").getValue(p);
        if (sampled instanceof Number n) {
          assertThat(Double.parseDouble(shown))
              .isCloseTo(n.doubleValue(), Percentage.withPercentage(0.1));
        } else {
          assertThat(shown.replace(" ", "")).isEqualTo(String.valueOf(sampled).replace(" ", ""));
        }
      }
    }
  }

  @Test
  @Order(1)
  void withoutSweepsTheViewSaysHowToStartOne() throws Exception {
    open("#/sweeps");
    // the view is drawn once the page knows who is signed in (GET /api/auth/me): wait for it to
    // exist
    browser.await(
        "empty state",
        d ->
            !all(".sweeps-view .view-msg").isEmpty()
                && text(".sweeps-view .view-msg")
                    .contains("cairn sweep experiments/sweep-mlp-lr.yaml"));
    assertThat(all(".sweep-list tbody tr")).isEmpty();
    assertThat(
            browser
                .driver
                .findElement(By.cssSelector(".tabs a[data-view='sweeps']"))
                .getDomAttribute("class"))
        .contains("active");
    browser.screenshot("20-sweeps-empty");
  }

  @Test
  @Order(2)
  void aGridSweepWithAPrunerShowsItsTrialsAsTheyEnd() throws Exception {
    // rates that do better the later they come, then the worst: ASHA (eta 2) stops the last at
    // its first rung (epoch 2), the others reach the last epoch
    String id =
        submit(
            String.format(
                    SWEEP,
                    "grid-asha",
                    8,
                    "grid",
                    "  optimizer.lr: {values: [0.003, 0.01, 0.03, 0.0001]}\n")
                + "early_terminate: {type: asha, min_resource: 2, reduction_factor: 2}\n");
    open("#/sweeps");
    browser.await(
        "the sweep in the list", d -> all(".sweep-list tr[data-sweep='" + id + "']").size() == 1);
    browser.driver.findElement(By.cssSelector(".sweep-list tr[data-sweep='" + id + "']")).click();
    browser.await("the sweep in the URL", d -> d.getCurrentUrl().contains("#/sweeps?sweep=" + id));
    // no reload from here on: the page follows the running sweep by itself
    awaitShownStatus(id, "finished");
    JsonObject sweep = get("/api/sweeps/" + id);
    assertThat(sweep.getString("status")).isEqualTo("FINISHED");
    JsonObject counts = sweep.getJsonObject("counts");
    assertThat(counts.getInteger("pruned"))
        .as("the last, worst rate is pruned at epoch 2")
        .isEqualTo(1);
    int finished = counts.getInteger("finished");
    assertThat(finished).isEqualTo(3);

    assertTrialsTableMatches(id, List.of("optimizer.lr"));
    assertThat(text(".trials-table tr[data-trial='4'] td.status")).isEqualTo("pruned @ step 2");
    assertThat(
            trialRows().entrySet().stream()
                .filter(e -> Boolean.TRUE.equals(e.getValue().get("best")))
                .map(Map.Entry::getKey))
        .as("the best trial's row is highlighted")
        .containsExactly(String.valueOf(sweep.getJsonObject("best").getInteger("trialNo")));

    browser.await("best-so-far chart drawn", d -> browser.drawnPixels(".best-plot canvas") > 200);
    browser.await(
        "a line per finished trial",
        d -> all("svg.sweep-parallel polyline.trial-line").size() == finished);
    assertThat(
            ((List<?>)
                    browser.js(
                        "return [...document.querySelectorAll('svg.sweep-parallel polyline.trial-line')].map(l => l.dataset.trial)"))
                .stream().map(String::valueOf).toList())
        .as("the finished trials' lines")
        .containsExactlyInAnyOrder("1", "2", "3");
    assertThat(text(".sweep-list tr[data-sweep='" + id + "']"))
        .contains("grid-asha", "grid", "epoch/train_loss", "finished", "4 / 4");
    browser.screenshot("21-sweeps-grid-asha");
    browser.js("document.querySelector('.trials-table').scrollIntoView()");
    browser.screenshot("21-sweeps-grid-asha-trials");

    // sorting by value puts the best first (minimize: ascending); again: descending
    browser.driver.findElement(By.cssSelector(".trials-table th[data-tsort='value']")).click();
    browser.await("sort in the URL", d -> d.getCurrentUrl().contains("tsort=value"));
    browser.await(
        "best first",
        d ->
            Boolean.TRUE.equals(
                browser.js(
                    "return document.querySelector('.trials-table tbody tr').classList.contains('best')")));
    browser.driver.findElement(By.cssSelector(".trials-table th[data-tsort='value']")).click();
    browser.await("descending", d -> d.getCurrentUrl().contains("tsort=-value"));
    String worst =
        get("/api/sweeps/" + id + "/trials").getJsonArray("trials").stream()
            .map(o -> (JsonObject) o)
            .filter(t -> t.getString("status").equals("FINISHED"))
            .max(Comparator.comparingDouble(t -> t.getDouble("value")))
            .map(t -> String.valueOf(t.getInteger("trialNo")))
            .orElseThrow();
    browser.await(
        "worst finished trial first",
        d ->
            worst.equals(
                browser.js(
                    "return document.querySelector('.trials-table tbody tr').dataset.trial")));
    assertThat(
            browser.js(
                "return document.querySelector('.trials-table tbody tr:last-child').dataset.trial"))
        .as("the pruned trial's value is from epoch 2: it sorts last")
        .isEqualTo("4");
  }

  @Test
  @Order(3)
  void aRandomSweepDrawsLogAndCategoricalAxesAndImportance() throws Exception {
    String id =
        submit(
            String.format(
                    SWEEP,
                    "random-log",
                    4,
                    "random",
                    "  optimizer.lr: {distribution: log_uniform, min: 0.001, max: 0.1}\n  model.hidden: {values: [[4], [8]]}\n")
                + "run_cap: 4\nseed: 5\n");
    open("#/sweeps?sweep=" + id);
    awaitShownStatus(id, "finished");
    JsonObject sweep = get("/api/sweeps/" + id);
    assertThat(sweep.getJsonObject("counts").getInteger("finished")).isEqualTo(4);
    assertTrialsTableMatches(id, List.of("optimizer.lr", "model.hidden"));

    browser.await("best-so-far chart drawn", d -> browser.drawnPixels(".best-plot canvas") > 200);
    browser.await(
        "a line per finished trial",
        d -> all("svg.sweep-parallel polyline.trial-line").size() == 4);
    // axis names and tick labels (not the lines' tooltips)
    String axes =
        (String)
            browser.js(
                "return [...document.querySelectorAll('svg.sweep-parallel > text')].map(t => t.lastChild.textContent).join(' | ')");
    assertThat(axes)
        .as("axis names and ticks")
        .contains(
            "optimizer.lr (log)",
            "0.001",
            "0.01",
            "0.1",
            "model.hidden",
            "[4]",
            "[8]",
            "epoch/train_loss");

    JsonObject importance = get("/api/sweeps/" + id + "/importance");
    List<String> params = new ArrayList<>();
    importance
        .getJsonArray("importances")
        .forEach(o -> params.add(((JsonObject) o).getString("param")));
    assertThat(params).containsExactlyInAnyOrder("optimizer.lr", "model.hidden");
    browser.await(
        "a bar per swept parameter, largest first",
        d ->
            params.equals(
                browser.js(
                    "return [...document.querySelectorAll('.importance .imp-row')].map(r => r.dataset.param)")));
    for (int i = 0; i < params.size(); i++) {
      double shown =
          Double.parseDouble(text(".imp-row[data-param='" + params.get(i) + "'] .imp-val"));
      assertThat(shown)
          .isCloseTo(
              importance.getJsonArray("importances").getJsonObject(i).getDouble("importance"),
              Offset.offset(0.006));
    }
    assertThat(text(".imp-note")).contains("fANOVA").contains("random forest");
    browser.screenshot("22-sweeps-random-log");
  }

  @Test
  @Order(4)
  void theStopButtonStopsARunningSweep() throws Exception {
    String id =
        submit(
            String.format(
                    SWEEP,
                    "long",
                    3000,
                    "random",
                    "  optimizer.lr: {distribution: log_uniform, min: 0.001, max: 0.1}\n")
                + "run_cap: 3\n");
    open("#/sweeps?sweep=" + id);
    awaitShownStatus(id, "running");
    browser.await(
        "a trial training",
        d -> trialRows().values().stream().anyMatch(r -> "running".equals(r.get("status"))));
    assertThat(text(".sweep-detail .sweep-msg")).contains("No trial has finished yet");
    assertThat(browser.driver.findElement(By.cssSelector(".sweep-results")).isDisplayed())
        .as("no empty charts")
        .isFalse();
    browser.screenshot("23-sweeps-running");
    browser.driver.findElement(By.cssSelector("button.stop")).click();
    browser.await("confirmation", d -> d.findElement(By.cssSelector(".stop-dialog")).isDisplayed());
    browser.driver.findElement(By.cssSelector(".stop-dialog .sd-confirm")).click();
    awaitShownStatus(id, "stopped");
    browser.await(
        "the trial shows killed",
        d -> trialRows().values().stream().anyMatch(r -> "killed".equals(r.get("status"))));
    assertThat(all("button.stop").get(0).isDisplayed())
        .as("no stop button on a stopped sweep")
        .isFalse();
    assertThat(get("/api/sweeps/" + id).getString("status")).isEqualTo("STOPPED");
    browser.screenshot("24-sweeps-stopped");
  }
}
