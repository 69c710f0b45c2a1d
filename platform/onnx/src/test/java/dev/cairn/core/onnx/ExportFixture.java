package dev.cairn.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.onnx.proto.OnnxMl;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Builds, initialises and exports hand-made DJL blocks for the converter tests. */
final class ExportFixture implements AutoCloseable {
  final NDManager manager = NDManager.newBaseManager("PyTorch");

  /**
   * Initialises {@code block} for {@code inputShape} with DJL's initializers, then gives biases,
   * batch-norm scales, shifts and running statistics seeded random values (variances positive), so
   * that they matter in the comparison. Weights keep DJL's fan-in scaling, which keeps deep
   * networks' outputs in the range a trained model has.
   */
  Block init(Block block, Shape inputShape, long seed) {
    block.initialize(manager, DataType.FLOAT32, inputShape);
    Random random = new Random(seed);
    for (Pair<String, Parameter> p : block.getParameters()) {
      String name = p.getKey().toLowerCase(Locale.ROOT);
      NDArray array = p.getValue().getArray();
      boolean variance = name.endsWith("runningvar");
      boolean scale = name.endsWith("gamma");
      boolean shift =
          name.endsWith("bias") || name.endsWith("beta") || name.endsWith("runningmean");
      if (!variance && !scale && !shift) {
        continue;
      }
      float[] values = new float[(int) array.size()];
      for (int i = 0; i < values.length; i++) {
        double g = random.nextGaussian() * 0.2;
        values[i] = (float) (variance ? 0.5 + random.nextDouble() : scale ? 1 + g : g);
      }
      try (NDArray replacement = manager.create(values, array.getShape())) {
        array.subi(array).addi(replacement);
      }
    }
    return block;
  }

  /** Exports with built-in converters (plus {@code extra}) and verifies; returns the model. */
  Exported export(Block block, Shape inputShape, List<OnnxConverter> extra) {
    long[] example = inputShape.slice(1).getShape();
    ExportVerifier.Reference ref = ExportVerifier.reference(block, manager, example, 7);
    OnnxMl.ModelProto model =
        OnnxExporter.export(
            block,
            new Shape(ref.inputShape()),
            new Shape(ref.outputShape()),
            ConverterRegistry.forModel(extra, "model 'test' of plugin 'tests'"),
            "test-graph",
            Map.of("cairn.test", "yes"),
            "a test export");
    byte[] bytes = model.toByteArray();
    Verification v = ExportVerifier.verify(bytes, ref);
    return new Exported(model, bytes, v);
  }

  Exported export(Block block, Shape inputShape) {
    return export(block, inputShape, List.of());
  }

  record Exported(OnnxMl.ModelProto model, byte[] bytes, Verification verification) {
    List<String> ops() {
      return model.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
