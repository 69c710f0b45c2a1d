package dev.cairn.spi;

import ai.djl.nn.Block;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.List;

/** Builds an uninitialised DJL block; the core initialises it for the dataset's input shape. */
public interface ModelProvider extends CairnExtension {

  /**
   * @throws SpecException when the parameters do not fit the data (e.g. a kernel larger than the
   *     input)
   */
  Block build(Params params, ModelContext context);

  /**
   * ONNX converters for blocks of this plugin's own making, so that its models export. Models built
   * from DJL's standard blocks need none: Cairn converts those itself.
   */
  default List<OnnxConverter> onnxConverters() {
    return List.of();
  }
}
