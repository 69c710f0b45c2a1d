package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.Platform;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18.7: a tiny model that expands its input into gigabytes is refused before ONNX Runtime
 * runs (a 400 naming the output, its shape and the limit), and a request that could only be refused
 * after running (its size depends on input values) gives its memory back: the server's resident
 * memory does not stay high.
 */
class PredictMemoryTest {
  @TempDir Path data;
  final HttpClient http = HttpClient.newHttpClient();

  static OnnxMl.ValueInfoProto value(String name, DataType type, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim =
          OnnxMl.TensorShapeProto.Dimension.newBuilder();
      shape.addDim(
          d instanceof String s ? dim.setDimParam(s) : dim.setDimValue(((Number) d).longValue()));
    }
    OnnxMl.TypeProto.Tensor.Builder tensor =
        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber());
    if (dims.length > 0) {
      tensor.setShape(shape);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor))
        .build();
  }

  static byte[] model(OnnxMl.GraphProto.Builder graph) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph.setName("g"))
        .build()
        .toByteArray();
  }

  /**
   * Expand of x [batch, 1, 1] to [batch, 100000, 10000] by a constant shape; the output's shape is
   * not declared.
   */
  static byte[] expandByConstant() {
    ByteBuffer shape =
        ByteBuffer.allocate(24)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(1)
            .putLong(100_000)
            .putLong(10_000);
    return model(
        OnnxMl.GraphProto.newBuilder()
            .addInitializer(
                OnnxMl.TensorProto.newBuilder()
                    .setName("shape")
                    .setDataType(DataType.INT64_VALUE)
                    .addDims(3)
                    .setRawData(ByteString.copyFrom(shape.array())))
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Expand")
                    .addInput("x")
                    .addInput("shape")
                    .addOutput("y"))
            .addInput(value("x", DataType.FLOAT, "batch", 1, 1))
            .addOutput(value("y", DataType.FLOAT)));
  }

  /** Expand of x to a shape given as an input: its size is known only once the values are. */
  static byte[] expandByInput() {
    return model(
        OnnxMl.GraphProto.newBuilder()
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Expand")
                    .addInput("x")
                    .addInput("s")
                    .addOutput("y"))
            .addInput(value("x", DataType.FLOAT, 1))
            .addInput(value("s", DataType.INT64, 3))
            .addOutput(value("y", DataType.FLOAT)));
  }

  String register(String base, String name, byte[] model) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/models?name=" + name))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(model))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("id");
  }

  HttpResponse<String> post(String url, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long residentBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void hugeOutputsAreRefusedBeforeRunningAndFailedRunsGiveTheirMemoryBack() throws Exception {
    byte[] tiny = expandByConstant();
    assertThat(tiny.length).isLessThan(200);
    Platform platform = Platform.start(new CairnOptions(data, null, null, true));
    try {
      ApiVerticle api = new ApiVerticle(platform, "127.0.0.1", 0);
      platform
          .vertx()
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + api.actualPort();
      String expand = register(base, "expand", tiny);
      String byInput = register(base, "expand-by-input", expandByInput());
      // warm up: the sessions, ONNX Runtime's threads and the JIT, at a small size
      assertThat(
              post(
                      base + "/api/models/" + byInput + "/predict",
                      "{\"inputs\": {\"x\": [1], \"s\": [1, 10, 10]}}")
                  .statusCode())
          .isEqualTo(200);
      System.gc();
      long before = residentBytes();

      HttpResponse<String> refused =
          post(
              base + "/v2/models/expand/infer",
              "{\"inputs\": [{\"name\": \"x\","
                  + " \"datatype\": \"FP32\", \"shape\": [2, 1, 1], \"data\": [1, 2]}]}");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(new JsonObject(refused.body()).getString("error"))
          .isEqualTo(
              "for this input, output 'y' would be"
                  + " float [2, 100000, 10000] (7.5 GiB), more than the 256.0 MiB a prediction may return; send a smaller"
                  + " batch or input");
      HttpResponse<String> refusedToo =
          post(base + "/api/models/" + expand + "/predict", "[[[1]]]");
      assertThat(refusedToo.statusCode()).as(refusedToo.body()).isEqualTo(400);
      assertThat(refusedToo.body())
          .contains("output 'y' would be float [1, 100000, 10000] (3.7 GiB)");

      // 1000 x 110000 floats = 440 MB: ONNX Runtime computes it, then the output cap refuses it
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> late =
            post(
                base + "/api/models/" + byInput + "/predict",
                "{\"inputs\": {\"x\": [1], \"s\": [1, 1000, 110000]}}");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(400);
        assertThat(late.body())
            .contains("the outputs for this input are 419.6 MiB, more than the 256.0 MiB");
      }
      System.gc();
      long after = residentBytes();
      assertThat(after - before)
          .as("resident memory grew from %d to %d MiB", before >> 20, after >> 20)
          .isLessThan(150L << 20);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/api/health")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    } finally {
      platform.close();
    }
  }
}
