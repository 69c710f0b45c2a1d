package dev.cairn.spi.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;

/**
 * The ONNX graph an export is writing, as {@link OnnxConverter}s see it: values are referred to by
 * name. Nodes use operators of the default ONNX domain at {@link #opset()}; the core checks the
 * operator name, the number of inputs and the attribute names against its operator table and fails
 * the export with a message naming the mistake.
 *
 * <p>Attribute values may be Integer or Long (ONNX {@code INT}), Float or Double ({@code FLOAT}),
 * String, int[] or long[] ({@code INTS}) and float[] ({@code FLOATS}). Attributes are written
 * sorted by name whatever the map's order, so exports are byte-reproducible.
 */
public interface OnnxGraph {

  /** The ONNX opset the graph targets (13). */
  int opset();

  /** Adds a node with one output and returns the output's name. */
  String node(String opType, List<String> inputs, Map<String, ?> attributes);

  /** Adds a node with {@code outputs} outputs and returns their names. */
  List<String> node(String opType, List<String> inputs, int outputs, Map<String, ?> attributes);

  /** A float32 initializer holding a copy of {@code array} (a trained parameter, say). */
  String initializer(String baseName, NDArray array);

  /** A float32 initializer with the given dimensions (row-major values). */
  String floatInitializer(String baseName, float[] values, long... dims);

  /** An int64 initializer, e.g. the target shape of a Reshape. */
  String longInitializer(String baseName, long[] values, long... dims);

  /**
   * Converts a child block with whichever converter supports it; container blocks (sequential,
   * parallel, residual) call it for their children.
   *
   * @return the name of the child's output
   */
  String convert(Block child, String input, Shape inputShape);
}
