package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * Eight dashboard tabs in one headless chromium against a real {@code cairn serve}: a browser gives
 * a host six HTTP/1.1 connections, so with one live stream per tab the seventh tab's page and runs
 * table would wait for a stream to close. The tabs share one stream (a Web Lock leader relays it
 * over a BroadcastChannel): every tab's runs table loads, the server counts one stream (two with
 * this test's probe), a run logged through the tracking API appears live in a follower tab, and
 * after the leader tab closes another tab takes over and a new run still appears live. Once with
 * Web Locks, once without (a lease in localStorage).
 */
class LiveTabsBrowserTest {
  private static final int TABS = 8;

  @TempDir Path data;
  private CairnProcess.Server server;
  private DashboardBrowser browser;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private JsonObject post(String path, String json) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 201);
    return new JsonObject(r.body());
  }

  /** A run logged by another program: created, then one scalar point (which the store flushes). */
  private String logRun(String name) throws Exception {
    String id =
        post("/api/tracking/runs", "{\"experiment\": \"tabs\", \"name\": \"" + name + "\"}")
            .getString("id");
    post(
        "/api/tracking/runs/" + id + "/scalars",
        "{\"series\": [{\"tag\": \"loss\", \"steps\": [1], \"values\": [0.5]}]}");
    return id;
  }

  private int rows(String runId) {
    return browser
        .driver
        .findElements(By.cssSelector("table.runs-table tr[data-id='" + runId + "']"))
        .size();
  }

  /** How many of {@code tabs} say they lead (switches between them). */
  private long leaders(List<String> tabs) {
    long leaders = 0;
    for (String handle : tabs) {
      browser.driver.switchTo().window(handle);
      leaders += "yes".equals(dot("leader")) ? 1 : 0;
    }
    return leaders;
  }

  private String dot(String attribute) {
    return (String)
        browser.js(
            "return document.querySelector('.live').dataset[arguments[0]] || null", attribute);
  }

  /** This tab opens a stream of its own and reads the count in the server's hello. */
  private int probeStreams() {
    Object n =
        browser.driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1]; const c = new AbortController();"
                + "fetch('api/live', {signal: c.signal}).then(async (r) => {"
                + "  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();"
                + "  let text = '';"
                + "  for (;;) { const {value, done: end} = await reader.read(); if (end) break;"
                + "    text += value; const m = /event: hello\\ndata: (.*)\\n/.exec(text);"
                + "    if (m) { c.abort(); done(JSON.parse(m[1]).streams); return; } }"
                + "}).catch((e) => done('probe failed: ' + e));");
    assertThat(n).as("the probe's hello").isInstanceOf(Number.class);
    return ((Number) n).intValue();
  }

  @Test
  void eightTabsShareOneLiveStreamAndAnotherTabTakesOverWhenTheLeaderCloses() throws Exception {
    eightTabs(true);
  }

  /**
   * The same in a browser without Web Locks, as over plain HTTP from another host (not a secure
   * context): each tab's page loses {@code navigator.locks} before its scripts run, and a lease in
   * localStorage elects the leader instead.
   */
  @Test
  void withoutWebLocksALeaseInLocalStorageElectsTheLeader() throws Exception {
    eightTabs(false);
  }

  private void withoutWebLocks(boolean webLocks) {
    if (!webLocks) {
      browser.driver.executeCdpCommand(
          "Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", "delete Navigator.prototype.locks;"));
    }
  }

  private void eightTabs(boolean webLocks) throws Exception {
    assumeTrue(
        DashboardBrowser.available(),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    server = CairnProcess.serve(data);
    String first = logRun("before-the-tabs");
    browser = new DashboardBrowser();
    // a tab that cannot load fails here rather than after Selenium's five-minute default
    browser.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120));

    List<String> tabs = new ArrayList<>();
    for (int i = 0; i < TABS; i++) {
      if (i > 0) {
        browser.driver.switchTo().newWindow(WindowType.TAB);
      }
      withoutWebLocks(webLocks);
      browser.driver.get(server.base() + "/#/runs");
      tabs.add(browser.driver.getWindowHandle());
      int tab = i + 1;
      browser.await("tab " + tab + "'s runs table loads", d -> rows(first) == 1);
      browser.await(
          "tab " + tab + "'s live dot is on",
          d -> browser.js("return document.querySelector('.live.on') !== null").equals(true));
    }

    if (webLocks) {
      assertThat(dot("shared")).as("127.0.0.1 is a secure context: tabs share").isEqualTo("yes");
    } else {
      assertThat(browser.js("return navigator.locks === undefined")).isEqualTo(true);
      assertThat(dot("shared")).as("no Web Locks: a lease elects the leader").isEqualTo("lease");
    }

    // the tabs' one stream, and the probe's own
    assertThat(probeStreams()).as("live streams the server has open").isBetween(1, 2);

    String leader = null;
    String follower = null;
    for (String handle : tabs) {
      browser.driver.switchTo().window(handle);
      if ("yes".equals(dot("leader"))) {
        assertThat(leader).as("one leader tab").isNull();
        leader = handle;
      } else {
        follower = handle;
      }
    }
    assertThat(leader).as("a leader tab").isNotNull();

    browser.driver.switchTo().window(follower);
    String second = logRun("while-eight-tabs-watch");
    browser.await("the new run appears live in a follower tab", d -> rows(second) == 1);

    browser.driver.switchTo().window(leader);
    browser.driver.close();
    tabs.remove(leader);
    browser.driver.switchTo().window(follower);
    String third = logRun("after-the-leader-closed");
    browser.await("a run logged after the leader closed appears live", d -> rows(third) == 1);
    // with a lease, tabs whose takeover writes crossed may both lead until each has seen the
    // other's write; the one whose write stayed keeps the stream and the others hand it over
    browser.await("exactly one other tab took over", d -> leaders(tabs) == 1);
    browser.driver.switchTo().window(follower);
    assertThat(probeStreams()).as("live streams after the handover").isBetween(1, 2);
  }
}
