package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 12 end to end: tokens made by {@code cairn token create}, a real {@code cairn serve}, every
 * route of the server's access-rule table (and of docs/*.md) tried without a token and with a
 * wrong, an expired, a revoked, a read, a write and an admin token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityTest {
  private static final String LAB = "https://lab.example";
  private static final Pattern TOKEN = Pattern.compile("cairn_[A-Za-z0-9]{40,}");

  // created here rather than by @TempDir: the tokens must exist before @BeforeAll starts the server
  private Path data;
  private CairnProcess.Server server;
  private String base;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void createTokensAndServe() throws Exception {
    data = Files.createTempDirectory("cairn-security-test");
    tokens.put("read", create(data, "reader", "read", "90d"));
    tokens.put("write", create(data, "alice", "write", "90d"));
    tokens.put("write2", create(data, "bob", "write", "90d"));
    tokens.put("admin", create(data, "root", "admin", "never"));
    tokens.put("expired", create(data, "old", "admin", "1s"));
    tokens.put("revoked", create(data, "gone", "admin", "90d"));
    CairnProcess.Result revoke = CairnProcess.run(data, 2, "token", "revoke", "gone");
    assertThat(revoke.exitCode()).as(revoke.stderr()).isZero();
    // well formed, never issued
    tokens.put("wrong", "cairn_" + "Zz9".repeat(17) + "a");
    Thread.sleep(1100); // the 1 s token has certainly expired
    server = CairnProcess.serve(data, "--auth-failure-delay", "0", "--cors-origin", LAB);
    base = server.base();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (data != null) {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** {@code cairn token create}: the token alone on stdout, the warning on stderr. */
  static String create(Path dir, String name, String scope, String expires) throws Exception {
    CairnProcess.Result r =
        CairnProcess.run(
            dir, 2, "token", "create", "--name", name, "--scope", scope, "--expires", expires);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("will not be shown again");
    String token = r.stdout().trim();
    assertThat(token).matches(TOKEN);
    return token;
  }

  record Answer(int status, String body, HttpResponse<?> response) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Answer send(
      String method, String path, String credential, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (credential != null) {
      b.header("Authorization", "Bearer " + tokens.get(credential));
    }
    headers.forEach(b::header);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    String text;
    try (InputStream in = r.body()) {
      // the live event stream never ends: its headers say enough
      text =
          r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")
              ? ""
              : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return new Answer(r.statusCode(), text, r);
  }

  /** As the dashboard calls: X-Cairn-Request on every request, a JSON body on writes. */
  private Answer call(String method, String path, String credential) throws Exception {
    boolean write = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-Cairn-Request", "1");
    if (write) {
      h.put("Content-Type", "application/json");
    }
    return send(method, path, credential, h, write ? "{}" : null);
  }

  @Test
  @Order(1)
  void everyRouteAnswersEveryCredentialExactly() throws Exception {
    Answer rulesAnswer = call("GET", "/api/auth/rules", "admin");
    assertThat(rulesAnswer.status()).as(rulesAnswer.body()).isEqualTo(200);
    JsonObject table = rulesAnswer.json();
    assertThat(table.getJsonArray("unruled"))
        .as("routes the server mounts without an access rule")
        .isEmpty();
    JsonArray rules = table.getJsonArray("rules");
    Set<String> ruled = new LinkedHashSet<>();
    rules.forEach(
        o ->
            ruled.add(
                ((JsonObject) o).getString("method") + " " + ((JsonObject) o).getString("path")));
    assertThat(ruled)
        .as("every route documented in docs/ has a rule")
        .containsAll(documentedRoutes());

    List<String> credentials =
        List.of("none", "wrong", "expired", "revoked", "read", "write", "admin");
    List<String> wrong = new ArrayList<>();
    int calls = 0;
    for (Object o : rules) {
      JsonObject rule = (JsonObject) o;
      String method = rule.getString("method");
      String path =
          rule.getString("path").equals("/*")
              ? "/index.html"
              : rule.getString("path").replace(":id", "nosuchid").replace(":name", "nosuchname");
      String access = rule.getString("access");
      for (String cred : credentials) {
        Answer a = call(method, path, cred.equals("none") ? null : cred);
        calls++;
        String expected = expected(access, cred);
        String got =
            a.status() == 401
                ? "401"
                : a.status() == 403 ? "403" : a.status() >= 500 ? "5xx" : "allowed";
        if (!expected.equals(got)) {
          wrong.add(
              method
                  + " "
                  + path
                  + " with "
                  + cred
                  + ": expected "
                  + expected
                  + ", got "
                  + a.status()
                  + " "
                  + a.body());
          continue;
        }
        if (a.status() == 401) {
          assertThat(a.json().getString("code")).isEqualTo("unauthenticated");
          assertThat(a.response().headers().firstValue("WWW-Authenticate"))
              .hasValue("Bearer realm=\"cairn\"");
        } else if (a.status() == 403) {
          assertThat(a.json().getString("code")).as(a.body()).isEqualTo("forbidden");
        }
      }
    }
    assertThat(wrong).as("answers that broke the rule table").isEmpty();
    assertThat(calls).isEqualTo(credentials.size() * rules.size());
  }

  private static String expected(String access, String cred) {
    if (access.equals("public")) {
      return "allowed";
    }
    if (List.of("none", "wrong", "expired", "revoked").contains(cred)) {
      return "401";
    }
    int have = List.of("read", "write", "admin").indexOf(cred);
    int need = List.of("read", "write", "admin").indexOf(access);
    return have >= need ? "allowed" : "403";
  }

  /** "METHOD /path/:id" for every `METHOD /api/...` the docs and README name. */
  private static Set<String> documentedRoutes() throws Exception {
    Pattern route = Pattern.compile("`(GET|POST|PUT|PATCH|DELETE) (/api/[^` ?]+)");
    Set<String> out = new LinkedHashSet<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> docs = Files.list(CairnProcess.REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
    }
    files.add(CairnProcess.REPO.resolve("README.md"));
    for (Path f : files) {
      Matcher m = route.matcher(Files.readString(f));
      while (m.find()) {
        out.add(m.group(1) + " " + m.group(2).replaceAll("\\{([a-zA-Z]+)}", ":$1"));
      }
    }
    assertThat(out).contains("GET /api/runs", "DELETE /api/runs/:id", "GET /api/audit");
    return out;
  }

  @Test
  @Order(2)
  void basicAuthAndAuthMe() throws Exception {
    JsonObject anonymous = call("GET", "/api/auth/me", null).json();
    assertThat(anonymous.getBoolean("authRequired")).isTrue();
    assertThat(anonymous.getBoolean("authenticated")).isFalse();
    assertThat(anonymous.getString("name")).isNull();
    JsonObject admin = call("GET", "/api/auth/me", "admin").json();
    assertThat(admin.getBoolean("authenticated")).isTrue();
    assertThat(admin.getString("name")).isEqualTo("root");
    assertThat(admin.getString("scope")).isEqualTo("admin");
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("anyone:" + tokens.get("read")).getBytes(StandardCharsets.UTF_8));
    Answer runs = send("GET", "/api/runs", null, Map.of("Authorization", basic), null);
    assertThat(runs.status()).isEqualTo(200);
    Answer audit = send("GET", "/api/audit", null, Map.of("Authorization", basic), null);
    assertThat(audit.status()).isEqualTo(403);
  }

  @Test
  @Order(2)
  void anOversizedBodyWithATokenGets413NamingTheRouteLimit() throws Exception {
    // the token check pauses the request; the 413 must still reach a client that is sending a body
    String big = "a".repeat(3 << 20);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/runs"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + tokens.get("write"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(big))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("1048576");
  }

  @Test
  @Order(3)
  void csrfRefusesWhatAnotherOriginsPageCanSend() throws Exception {
    for (String type :
        List.of(
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
      Answer a = send("POST", "/api/runs", null, Map.of("Content-Type", type), "epochs: 1");
      assertThat(a.status()).as(type).isEqualTo(403);
      assertThat(a.json().getString("code")).isEqualTo("csrf");
    }
    Answer noType = send("DELETE", "/api/runs/nosuchid", null, Map.of(), null);
    assertThat(noType.json().getString("code")).isEqualTo("csrf");
    // past the CSRF rule, the token rule answers
    assertThat(
            send("DELETE", "/api/runs/nosuchid", null, Map.of("X-Cairn-Request", "1"), null)
                .status())
        .isEqualTo(401);
    assertThat(
            send("POST", "/api/runs", null, Map.of("Content-Type", "application/json"), "{}")
                .status())
        .isEqualTo(401);
    assertThat(send("DELETE", "/api/runs/nosuchid", "admin", Map.of(), null).status())
        .isEqualTo(404);
  }

  @Test
  @Order(4)
  void securityHeadersEverywhereAndCorsOnlyForListedOrigins() throws Exception {
    for (String path : List.of("/api/health", "/index.html", "/api/runs")) {
      HttpResponse<?> r =
          send("GET", path, null, Map.of("Origin", "https://evil.example"), null).response();
      String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("frame-ancestors 'none'").contains("script-src 'self'");
      assertThat(csp.replaceAll("style-src[^;]*;", "")).doesNotContain("unsafe-inline");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as(path).isEmpty();
    }
    Answer listed = send("GET", "/api/runs", "read", Map.of("Origin", LAB), null);
    assertThat(listed.response().headers().firstValue("Access-Control-Allow-Origin")).hasValue(LAB);
    Answer preflight =
        send(
            "OPTIONS",
            "/api/runs/x",
            null,
            Map.of("Origin", LAB, "Access-Control-Request-Method", "DELETE"),
            null);
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.response().headers().firstValue("Access-Control-Allow-Headers").orElse(""))
        .contains("Authorization");
    Answer evil =
        send(
            "OPTIONS",
            "/api/runs/x",
            null,
            Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "DELETE"),
            null);
    assertThat(evil.status()).isEqualTo(403);
    assertThat(evil.response().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  @Order(5)
  void ownersAreRecordedFilteredAndGuardDeletes() throws Exception {
    String spec = Files.readString(CairnProcess.REPO.resolve("experiments/linear-regression.yaml"));
    Answer submitted =
        send("POST", "/api/runs", "write", Map.of("Content-Type", "text/yaml"), spec);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    String id = submitted.json().getString("id");
    JsonObject run = call("GET", "/api/runs/" + id, "read").json();
    assertThat(run.getString("owner")).isEqualTo("alice");
    assertThat(ids(call("GET", "/api/runs?owner=alice", "read").json())).containsExactly(id);
    assertThat(ids(call("GET", "/api/runs?owner=bob", "read").json())).isEmpty();
    for (int i = 0;
        i < 600 && !Set.of("FINISHED", "FAILED", "KILLED").contains(run.getString("status"));
        i++) {
      Thread.sleep(200);
      run = call("GET", "/api/runs/" + id, "read").json();
    }
    assertThat(run.getString("status")).isEqualTo("FINISHED");
    Answer byBob = call("DELETE", "/api/runs/" + id, "write2");
    assertThat(byBob.status()).isEqualTo(403);
    assertThat(byBob.body()).contains("belongs to 'alice'").contains("admin");
    Answer byRoot = call("DELETE", "/api/runs/" + id, "admin");
    assertThat(byRoot.status()).as(byRoot.body()).isEqualTo(200);

    // the audit entry is written once the answer has gone out: wait for it
    JsonArray entries = new JsonArray();
    for (int i = 0;
        i < 100
            && entries.stream()
                .map(JsonObject.class::cast)
                .noneMatch(e -> e.getString("action").equals("run.delete"));
        i++) {
      Thread.sleep(i == 0 ? 0 : 100);
      entries = call("GET", "/api/audit?limit=50", "admin").json().getJsonArray("entries");
    }
    JsonObject delete =
        entries.stream()
            .map(JsonObject.class::cast)
            .filter(e -> e.getString("action").equals("run.delete"))
            .findFirst()
            .orElseThrow();
    assertThat(delete.getString("actor")).isEqualTo("root");
    assertThat(delete.getString("target")).isEqualTo("/api/runs/" + id);
    assertThat(delete.getString("address")).isEqualTo("127.0.0.1");
    assertThat(entries.stream().map(JsonObject.class::cast).map(e -> e.getString("action")))
        .contains("run.submit", "token.create", "token.revoke")
        .doesNotContain("run.stop");
  }

  @Test
  @Order(6)
  void outsideRunsBelongToTheTokenThatCreatedThem() throws Exception {
    Answer created =
        send(
            "POST",
            "/api/tracking/runs",
            "write2",
            Map.of("Content-Type", "application/json"),
            "{\"experiment\": \"outside\", \"name\": \"loop\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(call("GET", "/api/runs/" + id, "read").json().getString("owner")).isEqualTo("bob");
    assertThat(ids(call("GET", "/api/runs?owner=bob", "read").json())).contains(id);
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("runs").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  @Order(9)
  void cliAuditAndTokenListNeverShowTokens() throws Exception {
    String serverLog = String.join("\n", server.log());
    assertThat(serverLog).contains("failed authentication 5 times");
    server.stop();
    server = null;
    CairnProcess.Result list = CairnProcess.run(data, 2, "token", "list", "--json");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    JsonArray listed = new JsonObject(list.stdout()).getJsonArray("tokens");
    Map<String, String> states = new LinkedHashMap<>();
    listed.forEach(
        o -> states.put(((JsonObject) o).getString("name"), ((JsonObject) o).getString("state")));
    assertThat(states)
        .containsEntry("old", "expired")
        .containsEntry("gone", "revoked")
        .containsEntry("root", "active");
    CairnProcess.Result audit = CairnProcess.run(data, 2, "audit", "--json", "--limit", "100");
    assertThat(audit.exitCode()).as(audit.stderr()).isZero();
    assertThat(audit.stdout()).contains("\"run.delete\"").contains("\"token.revoke\"");
    for (String t : tokens.values()) {
      assertThat(list.stdout() + list.stderr() + audit.stdout()).doesNotContain(t);
      assertThat(serverLog).doesNotContain(t);
    }
  }
}
