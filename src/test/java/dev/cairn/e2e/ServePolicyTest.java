package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn serve}'s start-up policy and write rate limit (docs/security.md). */
class ServePolicyTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String url, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("X-Cairn-Request", "1")
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void loopbackWithoutTokensIsOpenAndOtherAddressesNeedTokensOrAnExplicitOptOut(@TempDir Path data)
      throws Exception {
    CairnProcess.Result refused =
        CairnProcess.run(data, 2, "serve", "--host", "0.0.0.0", "--port", "0");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains("refusing to serve 0.0.0.0 without authentication")
        .contains("cairn token create")
        .contains("--insecure-no-auth");

    CairnProcess.Server open = CairnProcess.serve(data);
    try {
      JsonObject me = new JsonObject(send("GET", open.base() + "/api/auth/me", null).body());
      assertThat(me.getBoolean("authRequired")).isFalse();
      assertThat(me.getBoolean("authenticated")).isTrue();
      assertThat(me.getString("name")).isEqualTo("local");
      assertThat(me.getString("scope")).isEqualTo("admin");
      // open as before: a delete reaches the handler
      assertThat(send("DELETE", open.base() + "/api/runs/nosuchid", null).statusCode())
          .isEqualTo(404);
    } finally {
      open.stop();
    }

    CairnProcess.Server insecure =
        CairnProcess.serve(data, "--host", "0.0.0.0", "--insecure-no-auth");
    try {
      assertThat(String.join("\n", insecure.log())).contains("WARNING: --insecure-no-auth");
      String local = insecure.base().replace("0.0.0.0", "127.0.0.1");
      assertThat(send("GET", local + "/api/runs", null).statusCode()).isEqualTo(200);
    } finally {
      insecure.stop();
    }
  }

  @Test
  void writesBeyondTheTokensLimitGet429WithRetryAfter(@TempDir Path data) throws Exception {
    String token = SecurityTest.create(data, "ci", "write", "1d");
    CairnProcess.Server server = CairnProcess.serve(data, "--write-rate-limit", "3");
    try {
      for (int i = 0; i < 3; i++) {
        // no such run: 409, but the request counts
        assertThat(send("POST", server.base() + "/api/runs/nosuchid/stop", token).statusCode())
            .isEqualTo(409);
      }
      HttpResponse<String> limited = send("POST", server.base() + "/api/runs/nosuchid/stop", token);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(new JsonObject(limited.body()).getString("code")).isEqualTo("rate_limited");
      assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1, 60);
      // reads are not limited, nor reads asked with POST (inference)
      assertThat(send("GET", server.base() + "/api/runs", token).statusCode()).isEqualTo(200);
      HttpResponse<String> infer = send("POST", server.base() + "/v2/models/nosuch/infer", token);
      assertThat(infer.statusCode()).as(infer.body()).isBetween(400, 404);
      assertThat(infer.body()).doesNotContain("rate_limited");
    } finally {
      server.stop();
    }
  }
}
