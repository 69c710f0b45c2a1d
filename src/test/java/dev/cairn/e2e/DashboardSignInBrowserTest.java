package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Browser safety in Debian's headless chromium against a real {@code cairn serve}: a page served
 * from another origin (a second HTTP server on another 127.0.0.1 port) tries to delete a run and
 * change its notes through the browser, and the run is untouched; then, with a token created, the
 * dashboard asks for one, refuses a wrong one, shows the runs for the right one (with the owner and
 * only the actions its scope allows) and asks again after signing out.
 */
class DashboardSignInBrowserTest {
  private static final String XOR =
      """
      name: xor-signin
      experiment: xor
      seed: 7
      epochs: 2
      dataset: {plugin: xor, repeat: 4, batchSize: 16}
      model: {plugin: mlp, hidden: [4], activation: tanh}
      optimizer: {plugin: adam, lr: 0.01}
      loss: softmax-cross-entropy
      """;

  @TempDir Path data;
  private CairnProcess.Server server;
  private HttpServer evil;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (evil != null) {
      evil.stop(0);
    }
    if (server != null) {
      server.stop();
    }
  }

  private HttpResponse<String> send(
      String method, String url, String token, String contentType, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject run(String id, String token) throws Exception {
    HttpResponse<String> r = send("GET", server.base() + "/api/runs/" + id, token, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private String trainRun(String token) throws Exception {
    HttpResponse<String> r = send("POST", server.base() + "/api/runs", token, "text/yaml", XOR);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = new JsonObject(r.body()).getString("id");
    long end = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < end
        && !"FINISHED".equals(run(id, token).getString("status"))) {
      Thread.sleep(300);
    }
    assertThat(run(id, token).getString("status")).isEqualTo("FINISHED");
    return id;
  }

  @Test
  void anotherOriginCannotDeleteAndTheDashboardAsksForAToken() throws Exception {
    assumeTrue(
        DashboardBrowser.available(),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    // no token yet, on loopback: open to this machine, as before; the CSRF rule is all that stands
    // between a page on another site and the API
    server = CairnProcess.serve(data);
    assumeTrue(
        send("GET", server.base() + "/api/auth/me", null, null, null).statusCode() == 200,
        "this build has no /api/auth/me (the server side of issue 12 is not merged)");
    String runId = trainRun(null);
    int runsBefore = runCount(null);
    assertThat(
            send(
                    "PUT",
                    server.base() + "/api/runs/" + runId + "/notes",
                    null,
                    "application/json",
                    "{\"tags\": [\"keep\"], \"notes\": \"original\"}")
                .statusCode())
        .isEqualTo(200);

    List<String> attackerLog = new CopyOnWriteArrayList<>();
    evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String target = server.base() + "/api/runs/" + runId;
    // a text/plain form sends "NAME=VALUE": this name makes the body a valid spec whose last line
    // is a comment
    String csrfSpec =
        XOR.replace("xor-signin", "csrf-run").strip().replace("\n", "&#10;") + "&#10;#";
    String page =
        """
        <!doctype html><html><body>
        <form id="f" method="POST" action="%1$s/notes" enctype="text/plain" target="sink">
          <input name='{"tags":[],"notes":"pwned","x":"' value='"}'></form>
        <form id="g" method="POST" action="%1$s" target="sink2"><input name="_method" value="DELETE"></form>
        <form id="h" method="POST" action="%2$s/api/runs" enctype="text/plain" target="sink3">
          <input name="%3$s" value=""></form><iframe name="sink3"></iframe>
        <iframe name="sink"></iframe><iframe name="sink2"></iframe>
        <script src="/attack.js"></script></body></html>"""
            .formatted(target, server.base(), csrfSpec);
    String script =
        """
        const report = (what) => fetch('/report?' + encodeURIComponent(what));
        (async () => {
          for (const [method, mode, headers, body] of [
              ['DELETE', 'cors', {}, null], ['DELETE', 'no-cors', {}, null],
              ['PUT', 'no-cors', {'Content-Type': 'text/plain'}, '{"tags":[],"notes":"pwned"}'],
              ['POST', 'no-cors', {'Content-Type': 'application/x-www-form-urlencoded'}, 'a=b']]) {
            try {
              const r = await fetch('%s' + (method === 'PUT' ? '/notes' : ''), {method, mode, headers, body, credentials: 'include'});
              await report(method + ' ' + mode + ' answered ' + r.status + ' ' + r.type);
            } catch (e) {
              await report(method + ' ' + mode + ' failed ' + e.name);
            }
          }
          document.getElementById('f').submit();
          document.getElementById('g').submit();
          document.getElementById('h').submit();
          setTimeout(() => report('done'), 1500);
        })();"""
            .formatted(target);
    evil.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          if (path.equals("/report")) {
            attackerLog.add(
                URLDecoder.decode(ex.getRequestURI().getRawQuery(), StandardCharsets.UTF_8));
          }
          byte[] out =
              (path.equals("/attack.js") ? script : path.equals("/") ? page : "")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders()
              .set("Content-Type", path.endsWith(".js") ? "text/javascript" : "text/html");
          ex.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
          if (out.length > 0) {
            ex.getResponseBody().write(out);
          }
          ex.close();
        });
    evil.start();

    try (DashboardBrowser browser = new DashboardBrowser()) {
      browser.driver.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
      browser.await("the attacking page to finish", d -> attackerLog.contains("done"));
      assertThat(attackerLog)
          .as("what the attacking page saw")
          .doesNotContain("DELETE cors answered 200 basic");
      JsonObject after = run(runId, null);
      assertThat(after.getString("status")).isEqualTo("FINISHED");
      JsonObject row = dashboardRow(runId, null);
      assertThat(row.getString("notes")).isEqualTo("original");
      assertThat(row.getJsonArray("tags").getList()).containsExactly("keep");
      assertThat(runCount(null)).as("a form on another site started no run").isEqualTo(runsBefore);

      // now a team server: a token exists, so every request needs one
      server.stop();
      CairnProcess.Result created =
          CairnProcess.run(data, 2, "token", "create", "--name", "ana", "--scope", "write");
      assertThat(created.exitCode()).as(created.stderr()).isZero();
      Matcher m =
          Pattern.compile("cairn_[A-Za-z0-9]{40,}").matcher(created.stdout() + created.stderr());
      assertThat(m.find()).as(created.stdout()).isTrue();
      String token = m.group();
      server = CairnProcess.serve(data);
      String ownRun = trainRun(token);
      assertThat(run(ownRun, token).getString("owner")).isEqualTo("ana");

      browser.driver.get(server.base() + "/#/runs");
      WebElement input =
          browser.await(
              "the sign-in form",
              d -> {
                WebElement e = d.findElement(By.cssSelector(".signin-token"));
                return e.isDisplayed() ? e : null;
              });
      input.sendKeys("cairn_" + "x".repeat(44));
      browser.driver.findElement(By.cssSelector(".signin-submit")).click();
      browser.await(
          "the wrong token to be refused",
          d -> d.findElement(By.cssSelector(".signin-error")).getText().contains("not accepted"));
      assertThat(browser.driver.findElement(By.cssSelector(".signin")).isDisplayed()).isTrue();
      assertThat(browser.js("return sessionStorage.getItem('cairn.token')")).isNull();

      input.clear();
      input.sendKeys(token);
      browser.driver.findElement(By.cssSelector(".signin-submit")).click();
      browser.await(
          "the runs after signing in",
          d -> !d.findElements(By.cssSelector("tr[data-id='" + ownRun + "']")).isEmpty());
      assertThat(browser.driver.findElement(By.cssSelector(".signin")).isDisplayed()).isFalse();
      assertThat(browser.driver.findElement(By.cssSelector(".who")).getText())
          .isEqualTo("ana · write");
      assertThat(browser.js("return sessionStorage.getItem('cairn.token')")).isEqualTo(token);
      assertThat(browser.js("return JSON.stringify(Object.values(localStorage))"))
          .asString()
          .doesNotContain(token);
      WebElement own = browser.driver.findElement(By.cssSelector("tr[data-id='" + ownRun + "']"));
      assertThat(own.findElement(By.cssSelector("td.owner")).getText()).isEqualTo("ana");
      assertThat(own.findElements(By.cssSelector("button.delete"))).hasSize(1);
      // the run from before tokens belongs to 'local': deleting it would need admin, so no button
      WebElement older = browser.driver.findElement(By.cssSelector("tr[data-id='" + runId + "']"));
      assertThat(older.findElement(By.cssSelector("td.owner")).getText()).isEqualTo("local");
      assertThat(older.findElements(By.cssSelector("button.delete"))).isEmpty();
      browser.screenshot("signed-in-runs");

      assertThat(dashboardRow(runId, token).getString("notes")).isEqualTo("original");

      browser.driver.findElement(By.cssSelector(".signout")).click();
      browser.await(
          "the sign-in form after signing out",
          d -> d.findElement(By.cssSelector(".signin")).isDisplayed());
      assertThat(browser.js("return sessionStorage.getItem('cairn.token')")).isNull();
      browser.driver.navigate().refresh();
      browser.await(
          "the sign-in form after a reload",
          d -> d.findElement(By.cssSelector(".signin")).isDisplayed());
    }
  }

  /** The run as the dashboard lists it: with its tags and notes. */
  private JsonObject dashboardRow(String id, String token) throws Exception {
    HttpResponse<String> r =
        send("GET", server.base() + "/api/dashboard/runs?limit=500", token, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    var runs = new JsonObject(r.body()).getJsonArray("runs");
    for (int i = 0; i < runs.size(); i++) {
      if (runs.getJsonObject(i).getString("id").equals(id)) {
        return runs.getJsonObject(i);
      }
    }
    throw new AssertionError("run " + id + " is not in /api/dashboard/runs: " + r.body());
  }

  private int runCount(String token) throws Exception {
    HttpResponse<String> r = send("GET", server.base() + "/api/runs?limit=100", token, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonArray("runs").size();
  }
}
