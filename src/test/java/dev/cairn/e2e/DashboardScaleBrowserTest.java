package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.tracking.ScalarPoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard at team scale, in Debian's headless chromium against {@code cairn serve}: 2,000
 * runs written straight into the store (no training), a few more through the native tracking API
 * with images, histograms and texts. One test per defect of issue 14, plus the server-side paging
 * of the runs list, grouped curves and the exports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardScaleBrowserTest {
  private static final int SEEDED = 2000;
  private static final String[] OPTIMIZERS = {"adam", "sgd", "rmsprop"};

  @TempDir static Path data;
  private CairnProcess.Server server;
  private String base;
  private DashboardBrowser browser;
  private final HttpClient http = HttpClient.newHttpClient();

  /** seeded run ids, oldest first */
  private final List<String> seeded = new ArrayList<>();

  private String spike;
  private String single;
  private String big;
  private String mediaA;
  private String mediaB;

  @BeforeAll
  void seedAndServe() throws Exception {
    assumeTrue(
        DashboardBrowser.available(),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    long t0 = System.currentTimeMillis() - 3_600_000;
    try (H2TrackingStore store = H2TrackingStore.openInDirectory(data)) {
      for (int i = 0; i < SEEDED; i++) {
        Map<String, String> params = new LinkedHashMap<>();
        // learning rates spread over three decades: a log axis in HParams
        params.put(
            "optimizer.lr",
            Double.toString(Math.pow(10, -4 + 3.0 * ((i * 7919) % SEEDED) / SEEDED)));
        params.put("optimizer.name", OPTIMIZERS[i % 3]);
        params.put("seed", Integer.toString(i));
        params.put("sweep.trial", Integer.toString(i));
        int k = i;
        String id =
            seed(
                store,
                "sweep-" + (i % 4),
                "trial-" + i,
                params,
                t0 + i,
                (tag, step) -> {
                  double base = 1.0 / (1 + step) + (k % 3) * 0.1;
                  return tag.equals("train/loss") ? base : 1 - base / 2;
                });
        seeded.add(id);
      }
      // a first-step spike (Adagrad), a run with one point, values in the hundreds of thousands
      spike =
          seed(
              store,
              "special",
              "spike",
              Map.of("optimizer.name", "adagrad"),
              t0 + SEEDED,
              (tag, step) -> step == 0 ? 1000.0 : 1.0 - step * 0.01);
      single =
          seed(store, "special", "single", Map.of("optimizer.name", "sgd"), t0 + SEEDED + 1, null);
      big =
          seed(
              store,
              "special",
              "big",
              Map.of("optimizer.name", "sgd"),
              t0 + SEEDED + 2,
              (tag, step) -> 150000.0 + step * 1000);
    }
    server = CairnProcess.serve(data);
    base = server.base();
    mediaA = mediaRun("media-a", 1.0);
    mediaB = mediaRun("media-b", 5.0);
    browser = new DashboardBrowser();
  }

  private interface Curve {
    double at(String tag, long step);
  }

  /**
   * One finished run with 20 train/loss points and 3 epoch/test_accuracy points (or one point when
   * curve is null).
   */
  private static String seed(
      H2TrackingStore store,
      String experiment,
      String name,
      Map<String, String> params,
      long wall,
      Curve curve) {
    String id =
        store.createRun(new NewRun(experiment, name, "", "", 7, "cpu", Map.of(), params)).id();
    store.markRunning(id, "cpu");
    List<ScalarPoint> points = new ArrayList<>();
    if (curve == null) {
      points.add(new ScalarPoint(id, "train/loss", 1, wall, 0.42));
    } else {
      for (long s = 0; s < 20; s++) {
        points.add(new ScalarPoint(id, "train/loss", s, wall + s, curve.at("train/loss", s)));
      }
      for (long e = 1; e <= 3; e++) {
        points.add(
            new ScalarPoint(
                id, "epoch/test_accuracy", e, wall + e, curve.at("epoch/test_accuracy", e)));
      }
    }
    store.writeScalars(points);
    store.markEnded(id, RunStatus.FINISHED, null);
    return id;
  }

  /**
   * A run made through the tracking API with an image, a text and histograms spread by `spread`.
   */
  private String mediaRun(String name, double spread) throws Exception {
    String id =
        new JsonObject(
                post(
                        "/api/tracking/runs",
                        new JsonObject()
                            .put("experiment", "media")
                            .put("name", name)
                            .put("params", new JsonObject().put("optimizer.name", "adam")))
                    .body())
            .getString("id");
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 3, 0xff0000);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/api/tracking/runs/" + id + "/images?tag=samples&step=1"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    post(
        "/api/tracking/runs/" + id + "/texts",
        new JsonObject().put("tag", "notes").put("step", 1).put("text", "hello from " + name));
    JsonArray values = new JsonArray();
    IntStream.range(0, 200).forEach(k -> values.add((k - 100) * spread / 100));
    post(
        "/api/tracking/runs/" + id + "/histograms",
        new JsonObject().put("tag", "weights/w").put("step", 1).put("values", values));
    post(
        "/api/tracking/runs/" + id + "/scalars",
        new JsonObject()
            .put(
                "series",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("tag", "train/loss")
                            .put("steps", new JsonArray().add(0).add(1))
                            .put("values", new JsonArray().add(1.0).add(0.5)))));
    return id;
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

  private HttpResponse<String> post(String path, JsonObject body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 201);
    return r;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A fresh page load (a new query string), so nothing of the last page is kept. */
  private void load(String hash) {
    browser.driver.get(base + "/?t=" + System.nanoTime() + hash);
    js(
        "window.cairnErrors = []; addEventListener('error', e => cairnErrors.push(e.message));"
            + "addEventListener('unhandledrejection', e => cairnErrors.push(String(e.reason)));");
  }

  private Object js(String script, Object... args) {
    return browser.js(script, args);
  }

  private long number(String script, Object... args) {
    return ((Number) js(script, args)).longValue();
  }

  private void awaitRows(int n) {
    awaitLong(
        "runs table with " + n + " rows",
        d ->
            number("return document.querySelectorAll('.runs-table tbody tr[data-id]').length")
                == n);
  }

  private String runs(List<String> ids) {
    return String.join(",", ids);
  }

  /** The uPlot of a chart card, once drawn (the test reaches into the page's chart objects). */
  private void awaitChart(String tag) {
    awaitOrSay(
        "chart " + tag + " drawn",
        () ->
            Boolean.TRUE.equals(
                js(
                    "const c = window.cairnCharts && window.cairnCharts.get(arguments[0]); return !!(c && c.plot);",
                    tag)));
  }

  /**
   * browser.await with 2 minutes: on a loaded machine a fresh page's first requests can queue
   * behind the last page's.
   */
  private <T> T awaitLong(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(120))
        .withMessage(what)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Like browser.await, but a timeout says what the page showed and which script errors it had. */
  private void awaitOrSay(String what, BooleanSupplier condition) {
    try {
      // a loaded machine (other builds, other browsers) can hold a fresh page back for a while
      new WebDriverWait(browser.driver, Duration.ofSeconds(120))
          .withMessage(what)
          .ignoring(StaleElementReferenceException.class)
          .until(d -> condition.getAsBoolean());
    } catch (TimeoutException e) {
      throw new AssertionError(
          what
              + " did not happen; URL "
              + js("return location.href")
              + "; errors "
              + js("return window.cairnErrors")
              + "; page: "
              + js("return document.querySelector('.main').innerText.slice(0, 600)"),
          e);
    }
  }

  @Test
  @Order(1)
  void runsViewPagesFromTheServer() throws Exception {
    load("#/runs");
    awaitRows(100);
    long fetched = number("return window.cairnRunsFetched");
    // one page of the list, the newest runs for the automatic selection: never all 2,005 runs
    assertThat(fetched).isLessThanOrEqualTo(100 + 20);
    assertThat(browser.driver.findElement(By.cssSelector(".summary")).getText())
        .contains((SEEDED + 5) + " of " + (SEEDED + 5) + " runs match");

    // the filter runs on the server: the same language as before
    WebElement filter = browser.driver.findElement(By.cssSelector(".runs-view .run-filter"));
    filter.sendKeys("optimizer.name = rmsprop and experiment = sweep-1");
    long expected = IntStream.range(0, SEEDED).filter(i -> i % 3 == 2 && i % 4 == 1).count();
    awaitLong(
        "filtered on the server",
        d -> d.findElement(By.cssSelector(".summary")).getText().startsWith(expected + " of "));
    assertThat(browser.driver.findElements(By.cssSelector(".runs-table tbody tr[data-id]")))
        .hasSize((int) Math.min(100, expected));
    // sorting too: by a param, descending
    js("document.querySelector('.runs-table th[data-sort=\"param:optimizer.lr\"]').click()");
    awaitLong(
        "sorted by lr",
        d ->
            String.valueOf(js("return decodeURIComponent(location.hash)"))
                .contains("sort=-param:optimizer.lr"));
    awaitLong(
        "sorted rows",
        d -> {
          List<String> lrs =
              d.findElements(By.cssSelector(".runs-table tbody tr[data-id]")).stream()
                  .map(tr -> tr.getAttribute("data-id"))
                  .toList();
          return !lrs.isEmpty();
        });
    JsonObject page =
        new JsonObject(
            get("/api/dashboard/runs?limit=3&q="
                    + enc("optimizer.name = rmsprop and experiment = sweep-1")
                    + "&sort=-param:optimizer.lr")
                .body());
    String top = page.getJsonArray("runs").getJsonObject(0).getString("id");
    awaitLong(
        "the server's first row first",
        d ->
            top.equals(
                js("return document.querySelector('.runs-table tbody tr[data-id]').dataset.id")));
    assertThat(page.getInteger("matching")).isEqualTo((int) expected);
    // Show more fetches the next page only
    js(
        "const f = document.querySelector('.runs-view .run-filter'); f.value = ''; f.dispatchEvent(new Event('input'))");
    awaitLong(
        "unfiltered",
        d -> d.findElement(By.cssSelector(".summary")).getText().startsWith((SEEDED + 5) + " of "));
    awaitRows(100);
    long before = number("return window.cairnRunsFetched");
    browser.driver.findElement(By.cssSelector("button.more")).click();
    awaitRows(200);
    assertThat(number("return window.cairnRunsFetched") - before).isEqualTo(100);
    // every keystroke fetched a page (100 rows at most): still never the whole list
    assertThat(number("return window.cairnRunsFetched")).isLessThan(SEEDED);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  @Order(2)
  void defect6TickingReplacesTheAutomaticSelection() {
    load("#/runs");
    awaitRows(100);
    awaitLong(
        "newest selected",
        d -> d.findElement(By.cssSelector(".summary")).getText().contains("10 selected"));
    List<WebElement> boxes =
        browser.driver.findElements(By.cssSelector(".runs-table tbody tr[data-id] input.sel"));
    boxes.get(20).click();
    awaitLong(
        "1 selected",
        d -> d.findElement(By.cssSelector(".summary")).getText().contains("· 1 selected"));
    browser
        .driver
        .findElements(By.cssSelector(".runs-table tbody tr[data-id] input.sel"))
        .get(21)
        .click();
    awaitLong(
        "2 selected",
        d -> d.findElement(By.cssSelector(".summary")).getText().contains("· 2 selected"));
    browser.driver.findElement(By.cssSelector("button.compare")).click();
    awaitLong(
        "scalars with 2 runs",
        d -> String.valueOf(js("return location.hash")).startsWith("#/scalars"));
    assertThat(
            ((String) js("return location.hash")).replaceAll(".*runs=([^&]*).*", "$1").split(","))
        .hasSize(2);
  }

  @Test
  @Order(3)
  void defect1SelectedRunsHaveDistinctColours() {
    List<String> ids = seeded.subList(0, 40);
    load("#/scalars?runs=" + runs(ids));
    awaitLong(
        "40 swatches",
        d -> number("return document.querySelectorAll('.run-list li.sel .swatch').length") == 40);
    @SuppressWarnings("unchecked")
    List<String> colours =
        (List<String>)
            js(
                "return [...document.querySelectorAll('.run-list li.sel .swatch')].map(s => s.style.background)");
    assertThat(new HashSet<>(colours)).hasSize(40);
  }

  @Test
  @Order(4)
  void defect2OnePointIsDrawnAtDefaultSmoothing() {
    load("#/scalars?runs=" + single + "&tags=train/loss");
    awaitChart("train/loss");
    // the run's colour (the first slot: #4e79a7) appears on the canvas: its point is drawn
    awaitLong(
        "the single point drawn",
        d ->
            number(
                    "const c = document.querySelector('.chart[data-tag=\"train/loss\"] canvas'); const x = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + "let k = 0; for (let i = 0; i < x.length; i += 4) if (Math.abs(x[i] - 78) < 8 && Math.abs(x[i + 1] - 121) < 8 && Math.abs(x[i + 2] - 167) < 8 && x[i + 3] > 200) k++; return k;")
                > 4);
  }

  @Test
  @Order(5)
  void defect3RunNamesNotIdsOnAFreshDeepLink() {
    Map<String, String> cards =
        Map.of(
            "text", ".main .card", "images", ".main .image-card", "histograms", ".main .hist-card");
    for (String view : List.of("text", "images", "histograms")) {
      load("#/" + view + "?runs=" + mediaA);
      awaitOrSay(
          view + " card titled with the run's name",
          () ->
              "media-a"
                  .equals(
                      js(
                          "const t = document.querySelector(arguments[0] + ' .title'); return t && t.textContent.trim()",
                          cards.get(view))));
    }
  }

  @Test
  @Order(6)
  void defect4And5ALeftViewStaysQuietAndTagFiltersStayWithTheirView() {
    load("#/scalars?runs=" + mediaA + "," + mediaB);
    awaitChart("train/loss");
    WebElement tagFilter = browser.driver.findElement(By.cssSelector(".settings .tag-filter"));
    tagFilter.sendKeys("zzz-no-such-tag");
    awaitLong(
        "scalars filtered",
        d -> d.findElement(By.cssSelector(".view-msg")).getText().contains("No tag matches"));
    browser.driver.findElement(By.cssSelector(".tabs a[data-view=images]")).click();
    awaitLong("images shown", d -> !d.findElements(By.cssSelector(".image-card")).isEmpty());
    assertThat(
            browser
                .driver
                .findElement(By.cssSelector(".settings .tag-filter"))
                .getAttribute("value"))
        .isEmpty();
    browser.driver.findElement(By.cssSelector(".tabs a[data-view=histograms]")).click();
    awaitLong("histograms shown", d -> !d.findElements(By.cssSelector(".hist-card")).isEmpty());
    assertThat(browser.driver.findElement(By.cssSelector(".view-msg")).getText())
        .doesNotContainIgnoringCase("image");
    // back in Scalars, its own filter is there again
    browser.driver.findElement(By.cssSelector(".tabs a[data-view=scalars]")).click();
    awaitLong(
        "scalars filter kept",
        d ->
            "zzz-no-such-tag"
                .equals(
                    d.findElement(By.cssSelector(".settings .tag-filter")).getAttribute("value")));
  }

  @Test
  @Order(7)
  void defect8ChartCardHeightIsBoundedAt200Runs() {
    load("#/scalars?runs=" + runs(seeded.subList(0, 200)) + "&tags=train/loss");
    awaitChart("train/loss");
    // the legend builds its first 40 rows, and every row once it is scrolled
    awaitLong(
        "40 legend rows and a line saying more follow",
        d ->
            number(
                    "return document.querySelectorAll('.chart[data-tag=\"train/loss\"] .legend tbody tr[data-run]').length")
                == 40);
    assertThat(
            js(
                "return document.querySelector('.chart[data-tag=\"train/loss\"] .legend tr.legend-more').textContent.trim()"))
        .isEqualTo("160 more runs: scroll");
    js(
        "const w = document.querySelector('.chart[data-tag=\"train/loss\"] .legend-wrap'); w.scrollTop = w.scrollHeight;");
    awaitLong(
        "200 legend rows after a scroll",
        d ->
            number(
                    "return document.querySelectorAll('.chart[data-tag=\"train/loss\"] .legend tbody tr[data-run]').length")
                == 200);
    long card =
        number("return document.querySelector('.chart[data-tag=\"train/loss\"]').offsetHeight");
    assertThat(card).isLessThan(450);
  }

  @Test
  @Order(8)
  void defect9LabelsAreWholeAndTicksAreWhole() {
    load("#/scalars?runs=" + big + "," + seeded.get(0) + "&smooth=0");
    awaitChart("train/loss");
    awaitChart("epoch/test_accuracy");
    @SuppressWarnings("unchecked")
    List<String> yLabels =
        (List<String>) js("return window.cairnCharts.get('train/loss').plot.axes[1]._values");
    assertThat(yLabels).anyMatch(l -> l.endsWith("k")).noneMatch(l -> l.startsWith("."));
    long size = number("return window.cairnCharts.get('train/loss').plot.axes[1]._size");
    long widest =
        number(
            "const c = document.createElement('canvas').getContext('2d'); c.font = '12px system-ui, sans-serif';"
                + "return Math.ceil(Math.max(...window.cairnCharts.get('train/loss').plot.axes[1]._values.map(v => c.measureText(v).width)))");
    assertThat(size).isGreaterThan(widest);
    @SuppressWarnings("unchecked")
    List<Number> epochTicks =
        (List<Number>)
            js("return window.cairnCharts.get('epoch/test_accuracy').plot.axes[0]._splits");
    assertThat(epochTicks)
        .isNotEmpty()
        .allMatch(t -> t.doubleValue() == Math.rint(t.doubleValue()));
    // HParams: the first axis's name starts inside the picture
    load("#/hparams?runs=" + runs(seeded.subList(0, 30)));
    awaitLong(
        "parallel coordinates",
        d ->
            number("return document.querySelectorAll('.parallel text[font-weight=\"600\"]').length")
                >= 2);
    assertThat(
            number(
                "return Math.floor(document.querySelector('.parallel text[font-weight=\"600\"]').getBBox().x)"))
        .isGreaterThanOrEqualTo(0);
  }

  @Test
  @Order(8)
  void defect9HistogramOverlayKeyIsWhole() {
    load("#/histograms?runs=" + mediaA + "," + mediaB + "&hist=overlay");
    String key = ".hist-card[data-run='" + mediaA + "'] .hist-key";
    awaitOrSay(
        "overlay histogram of media-a drawn",
        () ->
            browser.drawnPixels(".hist-card[data-run='" + mediaA + "'] canvas") > 100
                && Boolean.TRUE.equals(
                    js(
                        "const k = document.querySelector(arguments[0]); return !!k && !k.hidden",
                        key)));
    assertThat(js("return document.querySelector(arguments[0]).textContent", key))
        .isEqualTo("lighter = earlier");
    @SuppressWarnings("unchecked")
    Map<String, Number> box =
        (Map<String, Number>)
            js(
                "const k = document.querySelector(arguments[0]); const r = k.getBoundingClientRect();"
                    + " const c = k.closest('.hist-card').getBoundingClientRect();"
                    + " return {scroll: k.scrollWidth, client: k.clientWidth, width: r.width,"
                    + " left: r.left - c.left, right: c.right - r.right, top: r.top - c.top, bottom: c.bottom - r.bottom}",
                key);
    assertThat(box.get("width").doubleValue()).as("the key is laid out").isGreaterThan(40);
    assertThat(box.get("scroll").longValue())
        .as("the key's text is not cut: " + box)
        .isLessThanOrEqualTo(box.get("client").longValue());
    for (String side : List.of("left", "right", "top", "bottom")) {
      assertThat(box.get(side).doubleValue())
          .as("the key lies inside its card (" + side + "): " + box)
          .isGreaterThanOrEqualTo(0);
    }
    // the other modes have no such key
    browser.driver.findElement(By.cssSelector(".hist-mode button[data-mode='offset']")).click();
    awaitOrSay(
        "offset mode hides the overlay's key",
        () -> Boolean.TRUE.equals(js("return document.querySelector(arguments[0]).hidden", key)));
  }

  @Test
  @Order(9)
  void defect10IgnoreOutliersKeepsTheSpikeOffTheAxis() {
    load("#/scalars?runs=" + spike + "&smooth=0&tags=train/loss");
    awaitChart("train/loss");
    assertThat(number("return window.cairnCharts.get('train/loss').plot.scales.y.max"))
        .isGreaterThanOrEqualTo(1000);
    browser.driver.findElement(By.cssSelector(".settings .robust")).click();
    awaitLong(
        "robust axis",
        d ->
            ((Number) js("return window.cairnCharts.get('train/loss').plot.scales.y.max"))
                    .doubleValue()
                < 10);
  }

  @Test
  @Order(10)
  void defect11RunsTableFitsFormatsAndChoosesColumns() {
    load("#/runs");
    awaitRows(100);
    long wrap =
        number("return document.querySelector('.table-wrap').getBoundingClientRect().width");
    long main = number("return document.querySelector('.main').getBoundingClientRect().width");
    assertThat(wrap).isLessThanOrEqualTo(main);
    assertThat(
            js(
                "return getComputedStyle(document.querySelector('.runs-table tbody tr[data-id] td.name')).position"))
        .isEqualTo("sticky");
    @SuppressWarnings("unchecked")
    List<String> lrs =
        (List<String>)
            js(
                "const i = [...document.querySelectorAll('.runs-table thead tr:nth-child(2) th')].findIndex(t => t.dataset.sort === 'param:optimizer.lr');"
                    + "return [...document.querySelectorAll('.runs-table tbody tr[data-id]')].map(tr => tr.children[i].textContent)");
    // 4 significant digits, not 0.008268963422036325
    assertThat(lrs)
        .isNotEmpty()
        .allMatch(
            v ->
                v.replaceAll("e[-+]\\d+$", "")
                        .replaceAll("[^0-9]", "")
                        .replaceAll("^0+", "")
                        .length()
                    <= 4);
    // the column chooser: sweep.trial off, then the automatic columns again
    assertThat(
            browser.driver.findElements(
                By.cssSelector(".runs-table th[data-sort=\"param:sweep.trial\"]")))
        .hasSize(1);
    browser.driver.findElement(By.cssSelector(".columns summary")).click();
    js("document.querySelector('.columns-list input[value=\"sweep.trial\"]').click()");
    awaitLong(
        "no sweep.trial column",
        d ->
            d.findElements(By.cssSelector(".runs-table th[data-sort=\"param:sweep.trial\"]"))
                .isEmpty());
    assertThat(
            browser.driver.findElements(
                By.cssSelector(".runs-table th[data-sort=\"param:optimizer.lr\"]")))
        .hasSize(1);
    js("document.querySelector('.columns-auto').click()");
    awaitLong(
        "sweep.trial column again",
        d ->
            !d.findElements(By.cssSelector(".runs-table th[data-sort=\"param:sweep.trial\"]"))
                .isEmpty());
  }

  @Test
  @Order(11)
  void defect12TheLightboxClosesOnBack() {
    load("#/scalars?runs=" + mediaA);
    browser.driver.findElement(By.cssSelector(".tabs a[data-view=images]")).click();
    awaitLong("image", d -> !d.findElements(By.cssSelector(".image-card img")).isEmpty());
    awaitLong(
        "image loaded",
        d ->
            Boolean.TRUE.equals(
                js(
                    "const i = document.querySelector('.image-card img'); return i.complete && i.naturalWidth > 0")));
    browser.driver.findElement(By.cssSelector(".image-card img")).click();
    awaitLong("lightbox open", d -> !d.findElements(By.cssSelector(".lightbox")).isEmpty());
    browser.driver.navigate().back();
    awaitLong("lightbox closed", d -> d.findElements(By.cssSelector(".lightbox")).isEmpty());
    // and the page takes clicks again
    browser.driver.findElement(By.cssSelector(".tabs a[data-view=runs]")).click();
    awaitLong("runs view", d -> String.valueOf(js("return location.hash")).startsWith("#/runs"));
  }

  @Test
  @Order(12)
  void defect13SelectAllSaysWhereItStops() {
    load("#/runs");
    awaitRows(100);
    browser.driver.findElement(By.cssSelector(".runs-table .sel-all")).click();
    awaitLong(
        "says why",
        d -> d.findElement(By.cssSelector(".summary")).getText().contains("at most 200 runs"));
    assertThat(
            ((String) js("return location.hash")).replaceAll(".*runs=([^&]*).*", "$1").split(","))
        .hasSize(100);
    load("#/scalars");
    awaitLong(
        "sidebar list", d -> !d.findElements(By.cssSelector(".run-list li[data-id]")).isEmpty());
    assertThat(browser.driver.findElement(By.cssSelector(".run-list li.more")).getText())
        .contains("of " + (SEEDED + 5) + " matching runs listed");
  }

  @Test
  @Order(13)
  void defect14LiveUpdatesFetchOnlyTheChangedRun() throws Exception {
    String live =
        new JsonObject(
                post(
                        "/api/tracking/runs",
                        new JsonObject().put("experiment", "live").put("name", "live-run"))
                    .body())
            .getString("id");
    load("#/runs");
    awaitLong(
        "the live run listed",
        d -> !d.findElements(By.cssSelector(".runs-table tr[data-id=\"" + live + "\"]")).isEmpty());
    js(
        "performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings(); window.cairnLiveFrom = window.cairnRunsFetched;");
    for (int step = 0; step < 12; step++) {
      post(
          "/api/tracking/runs/" + live + "/scalars",
          new JsonObject()
              .put(
                  "series",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("tag", "train/loss")
                              .put("steps", new JsonArray().add(step))
                              .put("values", new JsonArray().add(1.0 / (step + 1))))));
      Thread.sleep(500);
    }
    awaitLong(
        "the live run's loss in the table",
        d -> number("return window.cairnRunsFetched - window.cairnLiveFrom") > 0);
    @SuppressWarnings("unchecked")
    List<String> urls =
        (List<String>)
            js(
                "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/api/dashboard/runs'))");
    assertThat(urls).isNotEmpty().allMatch(u -> u.contains("ids=" + live));
    // at most one run per refresh, a refresh at most every 2 s
    assertThat(number("return window.cairnRunsFetched - window.cairnLiveFrom"))
        .isLessThanOrEqualTo(8);
    post("/api/tracking/runs/" + live + "/end", new JsonObject().put("status", "FINISHED"));
  }

  @Test
  @Order(14)
  void defect15HParamsLogAxesBrushingAndMetricColours() {
    load("#/hparams?runs=" + runs(seeded.subList(0, 60)));
    awaitLong(
        "axes",
        d ->
            number("return document.querySelectorAll('.parallel text[font-weight=\"600\"]').length")
                >= 2);
    @SuppressWarnings("unchecked")
    List<String> labels =
        (List<String>)
            js(
                "return [...document.querySelectorAll('.parallel text[font-weight=\"600\"]')].map(t => t.querySelector('title').textContent)");
    assertThat(labels).contains("optimizer.lr (log)").doesNotContain("seed", "sweep.trial");
    @SuppressWarnings("unchecked")
    List<String> strokes =
        (List<String>)
            js(
                "return [...document.querySelectorAll('.parallel polyline')].map(p => p.getAttribute('stroke'))");
    assertThat(new HashSet<>(strokes).size()).isGreaterThan(2);
    // brush the metric axis (the last one): drag over its upper half
    WebElement svg = browser.driver.findElement(By.cssSelector(".parallel"));
    long w = number("return document.querySelector('.parallel').getBoundingClientRect().width");
    long h = number("return document.querySelector('.parallel').getBoundingClientRect().height");
    int axisX = (int) (w - 80 * w / Math.max(400, w)) - (int) (w / 2);
    new Actions(browser.driver)
        .moveToElement(svg, axisX, (int) (-h / 2 + 50))
        .clickAndHold()
        .moveByOffset(0, (int) (h / 3))
        .release()
        .perform();
    awaitLong(
        "brushed",
        d ->
            d.findElement(By.cssSelector(".brush-note"))
                .getText()
                .matches("\\d+ of 60 runs inside.*"));
    long inside = number("return document.querySelectorAll('.parallel polyline.in').length");
    assertThat(inside)
        .isLessThan(60)
        .isEqualTo(number("return document.querySelectorAll('.hp-table tbody tr').length"));
  }

  @Test
  @Order(15)
  void defect17HistogramsShareTheirXRangeOnRequest() {
    load("#/histograms?runs=" + mediaA + "," + mediaB + "&hist=overlay");
    awaitLong(
        "two histogram cards drawn",
        d ->
            number(
                    "return [...document.querySelectorAll('.hist-card canvas')].filter(c => c.dataset.xmax).length")
                == 2);
    @SuppressWarnings("unchecked")
    List<String> own =
        (List<String>)
            js(
                "return [...document.querySelectorAll('.hist-card canvas')].map(c => c.dataset.xmin + ':' + c.dataset.xmax)");
    assertThat(new HashSet<>(own)).hasSize(2);
    browser.driver.findElement(By.cssSelector(".settings .shared-x")).click();
    awaitLong(
        "one range",
        d -> {
          @SuppressWarnings("unchecked")
          List<String> shared =
              (List<String>)
                  js(
                      "return [...document.querySelectorAll('.hist-card canvas')].map(c => c.dataset.xmin + ':' + c.dataset.xmax)");
          return new HashSet<>(shared).size() == 1;
        });
  }

  @Test
  @Order(16)
  void scalarsGroupedByAParamDrawMeanAndBand() {
    List<String> ids = seeded.subList(0, 30);
    load("#/scalars?runs=" + runs(ids) + "&cgroup=param:optimizer.name&tags=train/loss");
    awaitChart("train/loss");
    awaitLong(
        "3 groups",
        d ->
            number(
                    "return document.querySelectorAll('.chart[data-tag=\"train/loss\"] .legend tbody tr[data-group]').length")
                == 3);
    assertThat(number("return window.cairnCharts.get('train/loss').plot.bands.length"))
        .isEqualTo(3);
    @SuppressWarnings("unchecked")
    List<String> groups =
        (List<String>)
            js(
                "return [...document.querySelectorAll('.chart[data-tag=\"train/loss\"] .legend tbody tr[data-group]')].map(r => r.dataset.group)");
    assertThat(groups).containsExactlyInAnyOrder(OPTIMIZERS);
    // adam's mean at the last step: the seeded curve gives every adam run the same value
    String adamMean =
        (String)
            js(
                "return document.querySelector('.chart[data-tag=\"train/loss\"] .legend tr[data-group=\"adam\"] td.smoothed').textContent");
    assertThat(adamMean).isNotEqualTo("–");
    browser.driver.findElement(By.cssSelector(".settings .band button[data-band=std]")).click();
    awaitLong(
        "std band in the URL",
        d -> String.valueOf(js("return location.hash")).contains("band=std"));
  }

  @Test
  @Order(17)
  void exportsOfTheTableAndOfSelectedRuns() throws Exception {
    HttpResponse<String> csv =
        get("/api/dashboard/runs/export?format=csv&q=" + enc("experiment = sweep-2"));
    assertThat(csv.statusCode()).isEqualTo(200);
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0))
        .startsWith("run_id,name,experiment")
        .contains("param:optimizer.lr", "metric:train/loss");
    assertThat(lines).hasSize(SEEDED / 4 + 1);
    HttpResponse<String> json =
        get("/api/dashboard/export?format=json&runs=" + seeded.get(0) + "," + seeded.get(1));
    JsonArray both = new JsonObject(json.body()).getJsonArray("runs");
    assertThat(both).hasSize(2);
    JsonObject first = both.getJsonObject(0);
    assertThat(first.getJsonObject("params").getString("optimizer.name"))
        .isIn((Object[]) OPTIMIZERS);
    assertThat(first.getJsonObject("series").getJsonObject("train/loss").getJsonArray("steps"))
        .hasSize(20);
    HttpResponse<String> points = get("/api/dashboard/export?format=csv&runs=" + seeded.get(0));
    Set<String> kinds =
        points.body().lines().skip(1).map(l -> l.split(",")[2]).collect(Collectors.toSet());
    assertThat(kinds).containsExactlyInAnyOrder("param", "final", "point");
    assertThat(points.body().lines().filter(l -> l.contains(",point,")).count()).isEqualTo(23);
    // bad input: one clear line, a 400
    HttpResponse<String> bad = get("/api/dashboard/runs?q=" + enc("name ~ ("));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("not a valid regular expression");
    assertThat(get("/api/dashboard/runs?sort=" + enc("drop table")).statusCode()).isEqualTo(400);
    // the UI's export links
    load("#/runs");
    awaitRows(100);
    assertThat(browser.driver.findElements(By.cssSelector(".exports a[data-format]"))).hasSize(4);
  }
}
