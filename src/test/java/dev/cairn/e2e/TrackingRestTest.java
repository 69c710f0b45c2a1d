package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native tracking REST API over plain HTTP: idempotent run creation, a retried batch stored
 * once, a rejected batch storing none of its points, 400s naming the field and the limit, heartbeat
 * timeouts, and end statuses. Reads go through Cairn's own runs API.
 */
class TrackingRestTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  private CairnProcess.Server server;

  @BeforeEach
  void start() throws Exception {
    server = serveWithHeartbeatTimeout(dir.resolve("data"), 2);
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  @Test
  void sameIdempotencyKeySameRun() throws Exception {
    String body =
        "{\"experiment\": \"rest\", \"name\": \"a\", \"params\": {\"lr\": 0.01}, \"tags\": {\"team\": \"nlp\"},"
            + " \"idempotencyKey\": \"key-1\"}";
    HttpResponse<String> first = post("/api/tracking/runs", body);
    HttpResponse<String> second = post("/api/tracking/runs", body);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    String id = new JsonObject(first.body()).getString("id");
    assertThat(new JsonObject(second.body()).getString("id")).isEqualTo(id);
    JsonObject run = get("/api/runs/" + id);
    assertThat(run.getString("source")).isEqualTo("rest");
    assertThat(run.getString("status")).isEqualTo("RUNNING");
    assertThat(run.getJsonObject("params").getString("lr")).isEqualTo("0.01");
    assertThat(get("/api/tracking/runs/" + id).getJsonObject("tags").getString("team"))
        .isEqualTo("nlp");
    JsonArray listed = get("/api/runs?experiment=rest").getJsonArray("runs");
    assertThat(listed).hasSize(1);
  }

  @Test
  void retriedBatchStoredOnceAndRejectedBatchStoresNothing() throws Exception {
    String id = create("batches");
    String batch =
        "{\"batchId\": \"b-1\", \"series\": [{\"tag\": \"loss\", \"steps\": [0, 1, 2], \"values\": [3.0, 2.0, \"NaN\"],"
            + " \"wallTimes\": [1000, 2000, 3000]}, {\"tag\": \"acc\", \"steps\": [0], \"values\": [0.5]}]}";
    assertThat(post("/api/tracking/runs/" + id + "/scalars", batch).statusCode()).isEqualTo(200);
    assertThat(post("/api/tracking/runs/" + id + "/scalars", batch).statusCode()).isEqualTo(200);
    // the second series is bad: none of the batch's points may land, the good first series included
    HttpResponse<String> bad =
        post(
            "/api/tracking/runs/" + id + "/scalars",
            "{\"series\": [{\"tag\": \"loss\", \"steps\": [3, 4], \"values\": [1.0, 0.5]}, {\"tag\": \"acc\", \"steps\": [5], \"values\": [true]}]}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(error(bad)).contains("series[1].values[0]").contains("a number");

    JsonObject loss = get("/api/runs/" + id + "/series?tag=loss&maxPoints=0");
    assertThat(loss.getJsonArray("steps").getList()).containsExactly(0, 1, 2);
    assertThat(loss.getJsonArray("wallTimes").getList()).containsExactly(1000, 2000, 3000);
    assertThat(loss.getJsonArray("values").getValue(0)).isEqualTo(3.0);
    assertThat(
            get("/api/runs/" + id + "/series?tag=acc&maxPoints=0").getJsonArray("steps").getList())
        .containsExactly(0);
  }

  @Test
  void badInputNamesTheFieldAndTheLimit() throws Exception {
    String id = create("bad");
    String scalars = "/api/tracking/runs/" + id + "/scalars";
    assertBad(
        post(scalars, "{\"series\": [{\"tag\": \"x\", \"steps\": [-1], \"values\": [1]}]}"),
        "steps[0]",
        ">= 0");
    assertBad(
        post(scalars, "{\"series\": [{\"tag\": \"x\", \"steps\": [2, 1], \"values\": [1, 2]}]}"),
        "steps[1]",
        "increase");
    assertBad(
        post(
            scalars,
            "{\"series\": [{\"tag\": \""
                + "t".repeat(256)
                + "\", \"steps\": [1], \"values\": [1]}]}"),
        "tag",
        "1..255");
    assertBad(
        post(scalars, "{\"series\": [{\"tag\": \"x\", \"steps\": [1, 2], \"values\": [1]}]}"),
        "same length");
    assertBad(
        post(scalars, "{\"series\": [{\"tag\": \"x\", \"steps\": [1.5], \"values\": [1]}]}"),
        "steps[0]",
        "integer");
    assertBad(
        post(scalars, "{\"batchId\": \"" + "b".repeat(200) + "\", \"series\": []}"),
        "batchId",
        "128");
    StringBuilder many = new StringBuilder("{\"series\": [{\"tag\": \"x\", \"steps\": [");
    for (int i = 0; i <= 100_000; i++) {
      many.append(i == 0 ? "" : ",").append(i);
    }
    many.append("], \"values\": []}]}");
    assertBad(post(scalars, many.toString()), "100000 points per batch");
    assertBad(post(scalars, "not json"), "not valid JSON");
    assertBad(
        post("/api/tracking/runs", "{\"name\": \"no experiment\"}"), "'experiment' is required");
    assertBad(
        post("/api/tracking/runs", "{\"experiment\": \"e\", \"source\": \"cairn-trainer\"}"),
        "'source'",
        "rest, java-client");
    assertBad(
        post("/api/tracking/runs", "{\"experiment\": \"e\", \"params\": {\"a\": [1]}}"),
        "params.a");
    assertBad(
        post("/api/tracking/runs", "{\"experiment\": \"e\", \"seed\": \"x\"}"),
        "'seed'",
        "integer");
    assertBad(
        post(
            "/api/tracking/runs",
            "{\"experiment\": \"e\", \"device\": \"" + "d".repeat(65) + "\"}"),
        "'device'",
        "1..64");
    assertBad(
        post("/api/tracking/runs", "{\"experiment\": \"e\", \"provenance\": [1]}"),
        "'provenance'",
        "object");
    assertBad(
        post("/api/tracking/runs/" + id + "/end", "{\"status\": \"DONE\"}"),
        "'status'",
        "FINISHED, FAILED, KILLED");
    assertBad(
        post("/api/tracking/runs/" + id + "/histograms", "{\"tag\": \"w\", \"step\": 1}"),
        "'values'",
        "'limits'");
    HttpResponse<String> image =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        server.base() + "/api/tracking/runs/" + id + "/images?tag=img&step=0"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofString("GIF89a not a png"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertBad(image, "not a PNG");
    assertThat(post("/api/tracking/runs/nosuchrun/scalars", "{\"series\": []}").statusCode())
        .isEqualTo(404);
    // the binary form the Java client sends: a body cut off mid-series is refused whole
    ByteBuffer cut = ByteBuffer.allocate(4 + 2 + 4 + 2 + 1 + 4 + 24);
    cut.put("CSB1".getBytes(StandardCharsets.US_ASCII))
        .putShort((short) 0)
        .putInt(1)
        .putShort((short) 1)
        .put((byte) 'x')
        .putInt(2)
        .putLong(0)
        .putLong(1000)
        .putDouble(1.5);
    HttpResponse<String> truncated =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.base() + scalars))
                .header("Content-Type", "application/x-cairn-scalars")
                .POST(HttpRequest.BodyPublishers.ofByteArray(cut.array()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertBad(truncated, "series[0]", "ends early");
    assertThat(get("/api/runs/" + id).getJsonArray("series")).isEmpty();
  }

  @Test
  void silentClientFailsTheRunAndItsNextWriteRevivesIt() throws Exception {
    String id = create("heartbeat");
    long until = System.currentTimeMillis() + 60_000;
    while (!get("/api/runs/" + id).getString("status").equals("FAILED")
        && System.currentTimeMillis() < until) {
      Thread.sleep(200);
    }
    JsonObject failed = get("/api/runs/" + id);
    assertThat(failed.getString("status")).isEqualTo("FAILED");
    assertThat(failed.getString("message")).contains("no heartbeat");
    assertThat(post("/api/tracking/runs/" + id + "/heartbeat", "{}").statusCode()).isEqualTo(200);
    assertThat(get("/api/runs/" + id).getString("status")).isEqualTo("RUNNING");
    HttpResponse<String> ended =
        post(
            "/api/tracking/runs/" + id + "/end",
            "{\"status\": \"KILLED\", \"message\": \"stopped by hand\"}");
    assertThat(ended.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ended.body()).getString("status")).isEqualTo("KILLED");
    HttpResponse<String> late =
        post(
            "/api/tracking/runs/" + id + "/scalars",
            "{\"series\": [{\"tag\": \"x\", \"steps\": [1], \"values\": [1]}]}");
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(error(late)).contains("KILLED");
  }

  private String create(String experiment) throws Exception {
    HttpResponse<String> r = post("/api/tracking/runs", "{\"experiment\": \"" + experiment + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("id");
  }

  private static void assertBad(HttpResponse<String> r, String... parts) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(error(r)).contains(parts);
  }

  private static String error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getString("message");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.base() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.base() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static CairnProcess.Server serveWithHeartbeatTimeout(Path data, int seconds)
      throws Exception {
    ProcessBuilder pb =
        CairnProcess.builder(data, "serve", "--port", "0").redirectErrorStream(true);
    pb.environment().put("CAIRN_HEARTBEAT_TIMEOUT_SECONDS", Integer.toString(seconds));
    Process p = pb.start();
    p.getOutputStream().close();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String base = null;
    for (String line; (line = out.readLine()) != null; ) {
      log.add(line);
      Matcher m = Pattern.compile("serving (http://[^/]+)/api/runs").matcher(line);
      if (m.find()) {
        base = m.group(1);
        break;
      }
    }
    assertThat(base).as("server started:\n" + String.join("\n", log)).isNotNull();
    Thread drain = new Thread(() -> out.lines().forEach(log::add), "cairn-serve-output");
    drain.setDaemon(true);
    drain.start();
    return new CairnProcess.Server(p, base, log);
  }
}
