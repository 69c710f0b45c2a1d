package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.cairn.core.onnx.ExecutionProviders;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Open Inference Protocol (KServe V2 REST) on an in-process server, spoken by a client written
 * from the protocol's text: health, server and model metadata, readiness, JSON inference for every
 * datatype, the binary tensor extension both ways, versions, and {"error"} bodies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenInferenceProtocolTest {
  @TempDir static Path data;
  Platform platform;
  String base;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    platform = Platform.start(new CairnOptions(data, null, null, true));
    ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
    platform
        .vertx()
        .deployVerticle(api)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + api.actualPort();
    for (DataType t :
        List.of(
            DataType.BOOL,
            DataType.UINT8,
            DataType.INT8,
            DataType.INT16,
            DataType.INT32,
            DataType.INT64,
            DataType.FLOAT16,
            DataType.FLOAT,
            DataType.DOUBLE,
            DataType.STRING)) {
      register("identity-" + t.name().toLowerCase(), identity(t));
    }
    register("versioned", identity(DataType.FLOAT));
    register("versioned", identity(DataType.INT64));
  }

  @AfterAll
  void stop() {
    platform.close();
  }

  static byte[] identity(DataType type) {
    OnnxMl.TensorShapeProto shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(2))
            .build();
    OnnxMl.TypeProto tp =
        OnnxMl.TypeProto.newBuilder()
            .setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))
            .build();
    OnnxMl.GraphProto g =
        OnnxMl.GraphProto.newBuilder()
            .setName("g")
            .addNode(
                OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
            .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(tp))
            .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(tp))
            .build();
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  void register(String name, byte[] model) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/models?name=" + name))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(model))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  HttpResponse<byte[]> send(String method, String path, byte[] body, Integer headerLength)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headerLength != null) {
      b.header("Inference-Header-Content-Length", String.valueOf(headerLength));
    }
    b =
        body == null
            ? b.GET()
            : b.header(
                    "Content-Type",
                    headerLength == null ? "application/json" : "application/octet-stream")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonObject json(HttpResponse<byte[]> r, int status) {
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.statusCode()).as(text).isEqualTo(status);
    return new JsonObject(text);
  }

  JsonObject infer(String model, JsonObject request, int status) throws Exception {
    return json(
        send(
            "POST",
            "/v2/models/" + model + "/infer",
            request.encode().getBytes(StandardCharsets.UTF_8),
            null),
        status);
  }

  @Test
  void healthAndMetadata() throws Exception {
    assertThat(json(send("GET", "/v2/health/live", null, null), 200).getBoolean("live")).isTrue();
    assertThat(json(send("GET", "/v2/health/ready", null, null), 200).getBoolean("ready")).isTrue();
    JsonObject server = json(send("GET", "/v2", null, null), 200);
    assertThat(server.getString("name")).isEqualTo("cairn");
    assertThat(server.getJsonArray("extensions").getList()).contains("binary_tensor_data");
    JsonObject meta = json(send("GET", "/v2/models/identity-int64", null, null), 200);
    assertThat(meta.getJsonArray("inputs").getJsonObject(0).encode())
        .isEqualTo("{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[-1,2]}");
    assertThat(meta.getJsonArray("versions").getList()).containsExactly("1");
    assertThat(
            json(send("GET", "/v2/models/identity-fp16/ready", null, null), 404).getString("error"))
        .contains("no model named 'identity-fp16'");
    assertThat(
            json(send("GET", "/v2/models/identity-float16/ready", null, null), 200)
                .getBoolean("ready"))
        .isTrue();
    JsonObject versioned = json(send("GET", "/v2/models/versioned", null, null), 200);
    assertThat(versioned.getJsonArray("versions").getList()).containsExactly("1", "2");
    assertThat(versioned.getJsonArray("inputs").getJsonObject(0).getString("datatype"))
        .isEqualTo("INT64");
    assertThat(
            json(send("GET", "/v2/models/versioned/versions/1", null, null), 200)
                .getJsonArray("inputs")
                .getJsonObject(0)
                .getString("datatype"))
        .isEqualTo("FP32");
    assertThat(
            json(send("GET", "/v2/models/versioned/versions/3/ready", null, null), 404)
                .getString("error"))
        .contains("has no version '3'; versions: 1..2");
    assertThat(json(send("GET", "/v2/nothing", null, null), 404).getString("error"))
        .contains("no such endpoint");
  }

  static JsonObject request(String datatype, JsonArray data) {
    return new JsonObject()
        .put("id", "req-7")
        .put(
            "inputs",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("name", "x")
                        .put("shape", new JsonArray().add(data.size() / 2).add(2))
                        .put("datatype", datatype)
                        .put("data", data)));
  }

  @Test
  void everyDatatypeRoundTripsAsJson() throws Exception {
    Object[][] cases = {
      {"bool", "BOOL", "[true,false,false,true]"},
      {"uint8", "UINT8", "[0,255,1,128]"},
      {"int8", "INT8", "[-128,127,0,-1]"},
      {"int16", "INT16", "[-32768,32767,0,5]"},
      {"int32", "INT32", "[-2147483648,2147483647,0,5]"},
      {"int64", "INT64", "[9007199254740993,-9223372036854775808,9223372036854775807,0]"},
      {"float16", "FP16", "[0.5,65504.0,\"-Infinity\",\"NaN\"]"},
      {"float", "FP32", "[1.5,\"NaN\",\"Infinity\",-0.25]"},
      {"double", "FP64", "[0.1,\"NaN\",\"-Infinity\",1.7976931348623157E308]"},
      {"string", "BYTES", "[\"caf\u00e9 \u65e5\u672c\",\"\",\"NaN\",\"a\\\"b\"]"},
    };
    for (Object[] c : cases) {
      JsonArray data = new JsonArray((String) c[2]);
      JsonObject r = infer("identity-" + c[0], request((String) c[1], data), 200);
      assertThat(r.getString("id")).isEqualTo("req-7");
      assertThat(r.getString("model_name")).isEqualTo("identity-" + c[0]);
      assertThat(r.getString("model_version")).isEqualTo("1");
      JsonObject y = r.getJsonArray("outputs").getJsonObject(0);
      assertThat(y.getString("datatype")).isEqualTo(c[1]);
      assertThat(y.getJsonArray("shape").encode()).isEqualTo("[2,2]");
      assertThat(y.getJsonArray("data").encode()).as((String) c[0]).isEqualTo((String) c[2]);
    }
  }

  @Test
  void anAnswerEchoesAnyRequestIdAsValidJson() throws Exception {
    // the answer's JSON header is written by hand: quotes, backslashes, control characters and
    // non-ASCII text in the id must come back as they were sent, in JSON and in binary answers
    String id = "q\"uo\\te \u0001\n\t caf\u00e9 \u65e5\u672c \uD83D\uDE00 </x>";
    JsonObject json = request("FP32", new JsonArray("[1.5,2.5]")).put("id", id);
    assertThat(infer("identity-float", json, 200).getString("id")).isEqualTo(id);
    JsonObject binary =
        request("FP32", new JsonArray("[1.5,2.5]"))
            .put("id", id)
            .put("parameters", new JsonObject().put("binary_data_output", true));
    HttpResponse<byte[]> r =
        send(
            "POST",
            "/v2/models/identity-float/infer",
            binary.encode().getBytes(StandardCharsets.UTF_8),
            null);
    int header =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonObject answer = new JsonObject(new String(r.body(), 0, header, StandardCharsets.UTF_8));
    assertThat(answer.getString("id")).isEqualTo(id);
    assertThat(answer.getJsonObject("parameters").getDouble("session_ms")).isPositive();
    JsonObject y = answer.getJsonArray("outputs").getJsonObject(0);
    assertThat(y.getJsonObject("parameters").getInteger("binary_data_size")).isEqualTo(8);
    ByteBuffer out = ByteBuffer.wrap(r.body(), header, 8).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new float[] {out.getFloat(), out.getFloat()}).containsExactly(1.5f, 2.5f);
    assertThat(r.body()).hasSize(header + 8);
  }

  @Test
  void badRequestsGetErrorBodies() throws Exception {
    assertThat(
            infer("identity-uint8", request("UINT8", new JsonArray("[1,300]")), 400)
                .getString("error"))
        .contains("input 'x'[1] (flat index 1) is 300, which does not fit uint8 (0 to 255)");
    assertThat(
            infer("identity-int32", request("INT32", new JsonArray("[1,2.5]")), 400)
                .getString("error"))
        .contains("is 2.5, not an integer");
    assertThat(
            infer("identity-int32", request("INT64", new JsonArray("[1,2]")), 400)
                .getString("error"))
        .contains("input 'x' is given as datatype 'INT64'; the model takes INT32");
    assertThat(
            infer(
                    "identity-int32",
                    request("INT32", new JsonArray("[1,2,3,4,5,6]"))
                        .put("outputs", new JsonArray().add(new JsonObject().put("name", "z"))),
                    400)
                .getString("error"))
        .contains("the model has no output 'z'");
    assertThat(
            infer(
                    "identity-float",
                    new JsonObject()
                        .put(
                            "inputs",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("name", "x")
                                        .put("datatype", "FP32")
                                        .put("shape", new JsonArray("[2,2]"))
                                        .put("data", new JsonArray("[1]")))),
                    400)
                .getString("error"))
        .contains("has shape [2, 2] (4 values) but \"data\" has 1");
    assertThat(infer("nope", request("FP32", new JsonArray("[1,2]")), 404).getString("error"))
        .contains("no model named 'nope'");
    HttpResponse<byte[]> bare =
        send(
            "POST",
            "/v2/models/identity-float/infer",
            "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 2], \"data\": [NaN, 1]}]}"
                .getBytes(),
            null);
    assertThat(json(bare, 400).getString("error"))
        .contains("bare NaN is not a JSON value")
        .doesNotContain("ALLOW_");
  }

  @Test
  void providerPerRequestFallsBackOrRefusesClearly() throws Exception {
    JsonObject cpu =
        infer(
            "identity-float",
            request("FP32", new JsonArray("[1,2]"))
                .put("parameters", new JsonObject().put("provider", "cpu")),
            200);
    assertThat(cpu.getJsonObject("parameters").getString("provider")).isEqualTo("cpu");
    assertThat(cpu.getJsonObject("parameters").getString("provider_note"))
        .isEqualTo("CPU execution provider, asked for");
    assertThat(
            infer(
                    "identity-float",
                    request("FP32", new JsonArray("[1,2]"))
                        .put("parameters", new JsonObject().put("provider", "gpu")),
                    400)
                .getString("error"))
        .isEqualTo("execution provider 'gpu' is not allowed; one of: auto, cpu, cuda");
    if (!ExecutionProviders.cudaBuiltIn()) {
      assertThat(
              infer(
                      "identity-float",
                      request("FP32", new JsonArray("[1,2]"))
                          .put("parameters", new JsonObject().put("provider", "cuda")),
                      503)
                  .getString("error"))
          .startsWith(
              "execution provider 'cuda' cannot be used: this ONNX Runtime build has no CUDA provider");
      JsonObject auto =
          infer(
              "identity-float",
              request("FP32", new JsonArray("[1,2]"))
                  .put("parameters", new JsonObject().put("provider", "auto")),
              200);
      assertThat(auto.getJsonObject("parameters").getString("provider_note"))
          .startsWith("CPU execution provider; auto: ");
    }
  }

  @Test
  void aModelCanChooseItsProviderInItsMetadata() throws Exception {
    OnnxMl.ModelProto.Builder cuda =
        OnnxMl.ModelProto.parseFrom(identity(DataType.FLOAT)).toBuilder()
            .addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder()
                    .setKey("cairn.execution_provider")
                    .setValue("cuda"));
    register("wants-cuda", cuda.build().toByteArray());
    JsonObject onCpu =
        infer(
            "wants-cuda",
            request("FP32", new JsonArray("[1,2]"))
                .put("parameters", new JsonObject().put("provider", "cpu")),
            200);
    assertThat(onCpu.getJsonObject("parameters").getString("provider")).isEqualTo("cpu");
    if (!ExecutionProviders.cudaBuiltIn()) {
      String error =
          infer("wants-cuda", request("FP32", new JsonArray("[1,2]")), 503).getString("error");
      assertThat(error)
          .startsWith(
              "execution provider 'cuda' cannot be used: this ONNX Runtime build has no CUDA provider")
          .contains(
              "asks for it in its metadata (cairn.execution_provider), which a request's provider overrides")
          .doesNotContain("\n");
    }
    OnnxMl.ModelProto.Builder bad =
        OnnxMl.ModelProto.parseFrom(identity(DataType.FLOAT)).toBuilder()
            .addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder()
                    .setKey("cairn.execution_provider")
                    .setValue("tpu"));
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/models?name=bad-provider"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bad.build().toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body())
        .contains("metadata cairn.execution_provider is 'tpu'; one of: auto, cpu, cuda");
  }

  @Test
  void binaryTensorsBothWays() throws Exception {
    long[] values = {9007199254740993L, -1, Long.MAX_VALUE, Long.MIN_VALUE};
    ByteBuffer raw = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      raw.putLong(v);
    }
    JsonObject header =
        new JsonObject()
            .put("parameters", new JsonObject().put("binary_data_output", true))
            .put(
                "inputs",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "x")
                            .put("datatype", "INT64")
                            .put("shape", new JsonArray("[2,2]"))
                            .put("parameters", new JsonObject().put("binary_data_size", 32))));
    byte[] h = header.encode().getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(h, h.length + 32);
    System.arraycopy(raw.array(), 0, body, h.length, 32);
    HttpResponse<byte[]> r = send("POST", "/v2/models/identity-int64/infer", body, h.length);
    assertThat(r.statusCode()).isEqualTo(200);
    int jsonLength =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonObject out = new JsonObject(new String(r.body(), 0, jsonLength, StandardCharsets.UTF_8));
    JsonObject y = out.getJsonArray("outputs").getJsonObject(0);
    assertThat(y.getJsonObject("parameters").getInteger("binary_data_size")).isEqualTo(32);
    assertThat(y.containsKey("data")).isFalse();
    ByteBuffer back = ByteBuffer.wrap(r.body(), jsonLength, 32).order(ByteOrder.LITTLE_ENDIAN);
    long[] got = new long[4];
    for (int i = 0; i < 4; i++) {
      got[i] = back.getLong();
    }
    assertThat(got).containsExactly(values);
    assertThat(r.body()).hasSize(jsonLength + 32);

    // binary FP32 in, JSON out (binary_data false for the requested output)
    ByteBuffer f =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).putFloat(-2.5f);
    JsonObject h2 =
        new JsonObject()
            .put(
                "inputs",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "x")
                            .put("datatype", "FP32")
                            .put("shape", new JsonArray("[1,2]"))
                            .put("parameters", new JsonObject().put("binary_data_size", 8))))
            .put(
                "outputs",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "y")
                            .put("parameters", new JsonObject().put("binary_data", false))));
    byte[] hb = h2.encode().getBytes(StandardCharsets.UTF_8);
    byte[] b2 = Arrays.copyOf(hb, hb.length + 8);
    System.arraycopy(f.array(), 0, b2, hb.length, 8);
    JsonObject json = json(send("POST", "/v2/models/identity-float/infer", b2, hb.length), 200);
    assertThat(json.getJsonArray("outputs").getJsonObject(0).getJsonArray("data").encode())
        .isEqualTo("[\"NaN\",-2.5]");

    // a binary_data_size that does not match the shape
    header
        .getJsonArray("inputs")
        .getJsonObject(0)
        .getJsonObject("parameters")
        .put("binary_data_size", 31);
    byte[] h3 = header.encode().getBytes(StandardCharsets.UTF_8);
    byte[] b3 = Arrays.copyOf(h3, h3.length + 31);
    assertThat(
            json(send("POST", "/v2/models/identity-int64/infer", b3, h3.length), 400)
                .getString("error"))
        .contains("binary_data_size 31; shape [2, 2] of INT64 takes 32 bytes");
  }

  @Test
  void aChunkedBinaryBodyOfManyPiecesArrivesWhole() throws Exception {
    // no Content-Length: the body is read in pieces into a buffer that grows past its first 64 KiB
    int n = 50_000;
    ByteBuffer raw = ByteBuffer.allocate(n * 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n * 2; i++) {
      raw.putFloat(i * 0.5f - 7);
    }
    byte[] h =
        new JsonObject()
            .put("parameters", new JsonObject().put("binary_data_output", true))
            .put(
                "inputs",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "x")
                            .put("datatype", "FP32")
                            .put("shape", new JsonArray().add(n).add(2))
                            .put(
                                "parameters",
                                new JsonObject().put("binary_data_size", raw.capacity()))))
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(h, h.length + raw.capacity());
    System.arraycopy(raw.array(), 0, body, h.length, raw.capacity());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/v2/models/identity-float/infer"))
            .header("Inference-Header-Content-Length", String.valueOf(h.length))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    int jsonLength =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    assertThat(Arrays.copyOfRange(r.body(), jsonLength, r.body().length)).isEqualTo(raw.array());
  }

  /** BYTES elements in the binary form: a 4-byte little-endian length, then the bytes. */
  static byte[] lengthPrefixed(byte[]... elements) {
    int size = 0;
    for (byte[] e : elements) {
      size += 4 + e.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] e : elements) {
      b.putInt(e.length).put(e);
    }
    return b.array();
  }

  HttpResponse<byte[]> binaryStrings(byte[] raw, long declaredSize, int rows) throws Exception {
    JsonObject header =
        new JsonObject()
            .put("parameters", new JsonObject().put("binary_data_output", true))
            .put(
                "inputs",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "x")
                            .put("datatype", "BYTES")
                            .put("shape", new JsonArray().add(rows).add(2))
                            .put(
                                "parameters",
                                new JsonObject().put("binary_data_size", declaredSize))));
    byte[] h = header.encode().getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(h, h.length + raw.length);
    System.arraycopy(raw, 0, body, h.length, raw.length);
    return send("POST", "/v2/models/identity-string/infer", body, h.length);
  }

  @Test
  void bytesTensorsAsBinaryAndTheirErrors() throws Exception {
    byte[][] elements = {
      "caf\u00e9".getBytes(StandardCharsets.UTF_8),
      new byte[0],
      "\u65e5\u672c\u8a9e".getBytes(StandardCharsets.UTF_8),
      "x".repeat(300).getBytes(StandardCharsets.UTF_8)
    };
    byte[] raw = lengthPrefixed(elements);
    HttpResponse<byte[]> r = binaryStrings(raw, raw.length, 2);
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    int jsonLength =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonObject y =
        new JsonObject(new String(r.body(), 0, jsonLength, StandardCharsets.UTF_8))
            .getJsonArray("outputs")
            .getJsonObject(0);
    assertThat(y.getString("datatype")).isEqualTo("BYTES");
    assertThat(y.getJsonArray("shape").encode()).isEqualTo("[2,2]");
    assertThat(y.getJsonObject("parameters").getInteger("binary_data_size")).isEqualTo(raw.length);
    assertThat(Arrays.copyOfRange(r.body(), jsonLength, r.body().length)).isEqualTo(raw);

    // the same strings as JSON in, binary request out of JSON
    JsonObject json =
        infer(
            "identity-string",
            request("BYTES", new JsonArray().add("caf\u00e9").add("").add("\u65e5").add("z")),
            200);
    assertThat(json.getJsonArray("outputs").getJsonObject(0).getJsonArray("data").getList())
        .containsExactly("caf\u00e9", "", "\u65e5", "z");

    byte[] notUtf8 =
        lengthPrefixed(
            "ok".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xff, (byte) 0xfe},
            new byte[0],
            new byte[0]);
    assertThat(json(binaryStrings(notUtf8, notUtf8.length, 2), 400).getString("error"))
        .isEqualTo(
            "input 'x': BYTES element 1 is not UTF-8 text; ONNX string tensors hold UTF-8 text");
    byte[] tooLong = lengthPrefixed(new byte[3], new byte[0], new byte[0], new byte[0]);
    ByteBuffer.wrap(tooLong).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1000);
    assertThat(json(binaryStrings(tooLong, tooLong.length, 2), 400).getString("error"))
        .isEqualTo(
            "input 'x': BYTES element 0 says 1000 bytes; only 15 remain within binary_data_size 19");
    assertThat(json(binaryStrings(raw, raw.length + 4, 2), 400).getString("error"))
        .contains("binary_data_size " + (raw.length + 4))
        .contains("bytes of binary data follow");
    byte[] spare = Arrays.copyOf(raw, raw.length + 2);
    assertThat(json(binaryStrings(spare, spare.length, 2), 400).getString("error"))
        .contains("leaves 2 bytes after the last of its 4 BYTES elements");
    assertThat(
            infer("identity-string", request("BYTES", new JsonArray("[1,2]")), 400)
                .getString("error"))
        .contains("input 'x'[0] is 1, not a string (input type string)");
  }
}
