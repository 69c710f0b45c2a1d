package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact typed tensors through JSON predict and real ONNX Runtime: tiny Identity / Clip / Add models
 * per element type, values that sit at each type's limits, NaN and infinities both ways, scalars,
 * empty tensors, and the refusals that name the input, the index and the type.
 */
class TypedTensorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static TrainedRuns env;

  @BeforeAll
  static void open() {
    env = new TrainedRuns(dir);
  }

  @AfterAll
  static void close() {
    env.close();
  }

  /** A one-node model; each input has the given rank (dims named d0, d1, ..., or fixed if >= 0). */
  static Path model(String name, String op, DataType type, List<String> inputs, long[]... shapes)
      throws Exception {
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName(name)
            .addNode(
                OnnxMl.NodeProto.newBuilder().setOpType(op).addAllInput(inputs).addOutput("y"));
    for (int i = 0; i < inputs.size(); i++) {
      g.addInput(value(inputs.get(i), type, shapes[i]));
    }
    g.addOutput(value("y", type, shapes[0]));
    OnnxMl.ModelProto m =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("test")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setGraph(g)
            .build();
    Path file = dir.resolve(name + ".onnx");
    Files.write(file, m.toByteArray());
    return file;
  }

  private static OnnxMl.ValueInfoProto value(String name, DataType type, long[] shape) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    for (int i = 0; i < shape.length; i++) {
      s.addDim(
          shape[i] >= 0
              ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i])
              : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(s)))
        .build();
  }

  static JsonNode predict(Path model, String body) throws Exception {
    Prediction p = env.models.predictJson(OnnxModels.loadFile(model), body);
    return JSON.readTree(OnnxJson.write(OnnxJson.prediction("m", p))).get("outputs").get("y");
  }

  /**
   * Identity round trip: the output equals the input, and the output fed back gives itself again.
   */
  private static void roundTrip(DataType type, String values, String expectedType)
      throws Exception {
    Path m = model("identity_" + type, "Identity", type, List.of("x"), new long[] {-1});
    JsonNode out = predict(m, "{\"inputs\": {\"x\": " + values + "}}");
    assertThat(out.get("type").asText()).isEqualTo(expectedType);
    assertThat(JSON.readTree(values)).isEqualTo(out.get("data"));
    JsonNode again = predict(m, "{\"inputs\": {\"x\": " + OnnxJson.write(out.get("data")) + "}}");
    assertThat(again.get("data")).isEqualTo(out.get("data"));
  }

  @Test
  void everyTypeRoundTripsExactlyAtItsLimits() throws Exception {
    roundTrip(
        DataType.INT64, "[9007199254740993,-9223372036854775808,9223372036854775807,0]", "int64");
    roundTrip(DataType.INT32, "[2147483647,-2147483648,7]", "int32");
    roundTrip(DataType.INT16, "[32767,-32768,-1]", "int16");
    roundTrip(DataType.INT8, "[127,-128,0]", "int8");
    roundTrip(DataType.UINT8, "[0,255,128]", "uint8");
    roundTrip(DataType.BOOL, "[true,false,true]", "bool");
    roundTrip(
        DataType.FLOAT, "[1.5,\"NaN\",\"Infinity\",\"-Infinity\",-0.25,3.4028235E38]", "float");
    roundTrip(
        DataType.DOUBLE, "[0.1,\"NaN\",\"-Infinity\",1.7976931348623157E308,4.9E-324]", "double");
    roundTrip(DataType.FLOAT16, "[0.5,65504.0,\"-Infinity\",\"NaN\",-2.0]", "float16");
  }

  @Test
  void integersInFloatFormAreTakenWhenWholeAndBooleansAsZeroOne() throws Exception {
    Path m = model("identity_int64_b", "Identity", DataType.INT64, List.of("x"), new long[] {-1});
    assertThat(predict(m, "[2.0, 1e3, true]").get("data").toString()).isEqualTo("[2,1000,1]");
  }

  @Test
  void valuesThatDoNotFitAreRefusedWithInputIndexAndType() throws Exception {
    Path u8 = model("identity_u8", "Identity", DataType.UINT8, List.of("x"), new long[] {-1});
    assertThatThrownBy(() -> predict(u8, "{\"inputs\": {\"x\": [1, 300]}}"))
        .hasMessage("input 'x'[1] (flat index 1) is 300, which does not fit uint8 (0 to 255)");
    assertThatThrownBy(() -> predict(u8, "[[0, 0], [0, -1]]"))
        .hasMessageContaining(
            "input 'x'[1][1] (flat index 3) is -1, which does not fit uint8 (0 to 255)");
    Path i32 = model("identity_i32", "Identity", DataType.INT32, List.of("x"), new long[] {-1});
    assertThatThrownBy(() -> predict(i32, "[1, 2.5]"))
        .hasMessageContaining(
            "input 'x'[1] (flat index 1) is 2.5, not an integer; int32 takes whole numbers");
    assertThatThrownBy(() -> predict(i32, "[2147483648]"))
        .hasMessageContaining("does not fit int32");
    assertThatThrownBy(() -> predict(i32, "[\"7\"]"))
        .hasMessageContaining("is the string \"7\", not a number");
    Path i64 = model("identity_i64", "Identity", DataType.INT64, List.of("x"), new long[] {-1});
    assertThatThrownBy(() -> predict(i64, "[9223372036854775808]"))
        .hasMessageContaining("is 9223372036854775808, which does not fit int64");
    Path f32 = model("identity_f32", "Identity", DataType.FLOAT, List.of("x"), new long[] {-1});
    assertThatThrownBy(() -> predict(f32, "[1e39]"))
        .hasMessageContaining("is 1e39, which does not fit float");
    assertThatThrownBy(() -> predict(f32, "[1, NaN]"))
        .hasMessageContaining(
            "bare NaN is not a JSON value; write NaN and infinities as the strings \"NaN\"")
        .hasMessageNotContaining("JsonReadFeature")
        .hasMessageNotContaining("ALLOW_");
    assertThatThrownBy(() -> predict(f32, "[\"nan\"]"))
        .hasMessageContaining("the only strings allowed are");
    Path b = model("identity_bool", "Identity", DataType.BOOL, List.of("x"), new long[] {-1});
    assertThatThrownBy(() -> predict(b, "[true, 2]")).hasMessageContaining("is 2, not a boolean");
  }

  @Test
  void scalarInputs() throws Exception {
    Path clip =
        model(
            "clip",
            "Clip",
            DataType.FLOAT,
            List.of("x", "min", "max"),
            new long[] {-1},
            new long[0],
            new long[0]);
    JsonNode out = predict(clip, "{\"inputs\": {\"x\": [-2, 0, 2], \"min\": -1.0, \"max\": 1.0}}");
    assertThat(out.get("data").toString()).isEqualTo("[-1.0,0.0,1.0]");
    Path scalar = model("identity_scalar", "Identity", DataType.INT64, List.of("x"), new long[0]);
    JsonNode s = predict(scalar, "{\"inputs\": {\"x\": -9223372036854775807}}");
    assertThat(s.get("shape").size()).isZero();
    assertThat(s.get("data").asLong()).isEqualTo(-9223372036854775807L);
  }

  @Test
  void outputsOverTheLimitAreRefusedAndTheServerKeepsWorking() throws Exception {
    Path expand =
        model(
            "expand",
            "Expand",
            DataType.FLOAT,
            List.of("x", "shape"),
            new long[] {1},
            new long[] {2});
    // Expand's output type follows x; the shape input is int64
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(expand));
    OnnxMl.ModelProto.Builder b = m.toBuilder();
    b.getGraphBuilder()
        .getInputBuilder(1)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .setElemType(DataType.INT64.getNumber());
    b.getGraphBuilder()
        .getOutputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .clear()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("a"))
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("b"));
    Files.write(expand, b.build().toByteArray());
    String before = System.getProperty("cairn.onnx.maxOutputBytes");
    System.setProperty("cairn.onnx.maxOutputBytes", String.valueOf(1 << 20));
    try {
      assertThatThrownBy(
              () -> predict(expand, "{\"inputs\": {\"x\": [1.5], \"shape\": [1024, 1024]}}"))
          .isInstanceOf(OnnxModelException.class)
          .hasMessage(
              "the outputs for this input are 4.0 MiB, more than the 1.0 MiB a prediction may return;"
                  + " send a smaller batch or input");
      assertThat(
              predict(expand, "{\"inputs\": {\"x\": [1.5], \"shape\": [2, 2]}}")
                  .get("data")
                  .toString())
          .isEqualTo("[[1.5,1.5],[1.5,1.5]]");
    } finally {
      if (before == null) {
        System.clearProperty("cairn.onnx.maxOutputBytes");
      } else {
        System.setProperty("cairn.onnx.maxOutputBytes", before);
      }
    }
  }

  @Test
  void emptyTensors() throws Exception {
    Path id = model("identity_empty", "Identity", DataType.FLOAT, List.of("x"), new long[] {-1});
    JsonNode out = predict(id, "{\"inputs\": {\"x\": []}}");
    assertThat(out.get("shape").toString()).isEqualTo("[0]");
    assertThat(out.get("data").toString()).isEqualTo("[]");
    Path add =
        model(
            "add_empty",
            "Add",
            DataType.INT32,
            List.of("a", "b"),
            new long[] {-1, 3},
            new long[] {-1, 3});
    JsonNode sum =
        predict(
            add,
            "{\"inputs\": {\"a\": {\"shape\": [0, 3], \"data\": []}, \"b\": {\"shape\": [0, 3], \"data\": []}}}");
    assertThat(sum.get("shape").toString()).isEqualTo("[0,3]");
    JsonNode two =
        predict(
            add,
            "{\"inputs\": {\"a\": {\"shape\": [1, 3], \"data\": [1, 2, 3]}, \"b\": [[10, 20, 30]]}}");
    assertThat(two.get("data").toString()).isEqualTo("[[11,22,33]]");
    assertThatThrownBy(
            () ->
                predict(
                    add,
                    "{\"inputs\": {\"a\": {\"shape\": [2, 3], \"data\": [1]}, \"b\": [[1, 2, 3]]}}"))
        .hasMessageContaining("\"shape\" [2, 3] needs 6 values; \"data\" has 1");
  }
}
