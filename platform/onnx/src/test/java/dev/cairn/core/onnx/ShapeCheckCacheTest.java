package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pre-run size check remembers the input shapes that passed: a repeated shape skips it, while a
 * shape that was refused, or a shape checked against other limits, is checked (and refused) again.
 */
class ShapeCheckCacheTest {
  /** x [batch, 4] float -> Relu -> y [batch, 4]. */
  static ShapeInference relu() {
    OnnxMl.TypeProto type =
        OnnxMl.TypeProto.newBuilder()
            .setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder()
                    .setElemType(DataType.FLOAT.getNumber())
                    .setShape(
                        OnnxMl.TensorShapeProto.newBuilder()
                            .addDim(
                                OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4))))
            .build();
    return ShapeInference.of(
        OnnxMl.GraphProto.newBuilder()
            .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
            .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
            .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
            .build());
  }

  static Map<String, TensorData> feed(int batch) {
    return Map.of("x", new TensorData("float", new long[] {batch, 4}, new float[batch * 4]));
  }

  @Test
  void aPassedShapeIsRememberedButARefusedOneIsRefusedEveryTime() {
    ShapeInference shapes = relu();
    long tensorLimit = 1L << 30;
    for (int i = 0; i < 3; i++) {
      assertThatCode(() -> shapes.check(feed(2), 1024, tensorLimit)).doesNotThrowAnyException();
      // 100 x 4 floats = 1,600 bytes of output, over 1,024: refused on every try, never remembered
      assertThatThrownBy(() -> shapes.check(feed(100), 1024, tensorLimit))
          .isInstanceOf(OnnxModelException.class)
          .hasMessageContaining("output 'y' would be float [100, 4]")
          .hasMessageContaining("a prediction may return");
    }
    // the shape that passed under 1,024 bytes is checked again under a lower limit
    assertThatThrownBy(() -> shapes.check(feed(2), 16, tensorLimit))
        .isInstanceOf(OnnxModelException.class)
        .hasMessageContaining("output 'y' would be float [2, 4]");
  }
}
