package dev.cairn.plugins.example;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cairn.core.onnx.ConverterRegistry;
import dev.cairn.core.onnx.OnnxExporter;
import dev.cairn.core.onnx.OrtSupport;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.Params;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The residual MLP exports through the plugin's own converter: the ONNX graph, run in ONNX Runtime,
 * gives DJL's outputs on the same weights and inputs.
 */
class ResidualMlpExportTest {
  @Test
  void exportMatchesDjlInOnnxRuntime() throws Exception {
    ResidualMlpModel model = new ResidualMlpModel();
    DatasetInfo spirals = DatasetInfo.classification(new long[] {2}, List.of("a", "b"));
    Block block =
        model.build(
            Params.validate("model", model.params(), Map.of("width", 8, "blocks", 2)),
            new ModelContext(spirals, 1));
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Shape in = new Shape(5, 2);
      block.initialize(manager, DataType.FLOAT32, in);
      NDArray x = manager.randomNormal(in);
      float[] input = x.toFloatArray();
      float[] expected =
          block
              .forward(new ParameterStore(manager, false), new NDList(x), false)
              .singletonOrThrow()
              .toFloatArray();
      OnnxMl.ModelProto onnx =
          OnnxExporter.export(
              block,
              in,
              new Shape(5, 2),
              ConverterRegistry.forModel(model.onnxConverters(), "example"),
              "residual-mlp",
              Map.of(),
              "test");
      assertThat(onnx.getGraph().getNodeList())
          .extracting(OnnxMl.NodeProto::getOpType)
          .contains("Add", "Identity");
      OrtEnvironment env = OrtSupport.environment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          OrtSession session = env.createSession(onnx.toByteArray(), options);
          OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {5, 2});
          OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, t))) {
        FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
        float[] actual = new float[out.remaining()];
        out.get(actual);
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < actual.length; i++) {
          assertThat(actual[i]).as("value %d", i).isCloseTo(expected[i], Offset.offset(1e-5f));
        }
      }
    }
  }
}
