package dev.cairn.core.onnx.convert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import dev.cairn.spi.onnx.OnnxExportException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads what DJL keeps private but an exporter needs: a block's parameters by name, private
 * settings (BatchNorm's epsilon), and the values a named {@link LambdaBlock} captured (the slope of
 * a leaky ReLU, the kernel of a pool). Every read that fails says which block and field, and every
 * export is verified against DJL's own forward pass afterwards, so a misread cannot ship.
 */
public final class BlockAccess {
  private BlockAccess() {}

  /** A block's own (not its children's) parameter array, e.g. {@code weight}. */
  public static Optional<NDArray> parameter(Block block, String name) {
    for (var p : block.getParameters()) {
      if (p.getKey().equals(name)) {
        Parameter param = p.getValue();
        if (!param.isInitialized()) {
          throw new OnnxExportException(
              describe(block) + ": parameter '" + name + "' is not initialised");
        }
        return Optional.of(param.getArray());
      }
    }
    return Optional.empty();
  }

  public static NDArray requireParameter(Block block, String name) {
    return parameter(block, name)
        .orElseThrow(
            () -> new OnnxExportException(describe(block) + " has no parameter '" + name + "'"));
  }

  /** The value of a private field declared by {@code owner} (a DJL class) on {@code block}. */
  public static Object privateField(Object block, Class<?> owner, String field) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      return f.get(block);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new OnnxExportException(
          "cannot read " + owner.getSimpleName() + "." + field + " (DJL internals changed?): " + e,
          e);
    }
  }

  /**
   * The values the innermost lambda of a {@link LambdaBlock} captured, in capture order: for {@code
   * Pool.maxPool2dBlock(kernel, stride, pad, ceil)} that is [kernel, stride, pad, ceil]. Wrappers
   * such as {@code LambdaBlock.singleton} that capture only another function are unwrapped.
   */
  public static List<Object> lambdaCaptures(LambdaBlock block) {
    Object fn = privateField(block, LambdaBlock.class, "lambda");
    for (int depth = 0; depth < 4; depth++) {
      List<Object> captured = captures(block, fn);
      if (captured.size() == 1 && captured.get(0) instanceof Function<?, ?> inner) {
        fn = inner;
      } else {
        return captured;
      }
    }
    throw new OnnxExportException(
        describe(block) + ": lambda nests too deeply to read its settings");
  }

  private static List<Object> captures(LambdaBlock block, Object fn) {
    Field[] fields = fn.getClass().getDeclaredFields();
    List<Field> sorted = new ArrayList<>(Arrays.asList(fields));
    sorted.removeIf(f -> Modifier.isStatic(f.getModifiers()));
    // javac names captured values arg$1, arg$2, ... in capture order
    sorted.sort(Comparator.comparingInt(f -> captureIndex(f.getName())));
    List<Object> out = new ArrayList<>();
    for (Field f : sorted) {
      try {
        f.setAccessible(true);
        out.add(f.get(fn));
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new OnnxExportException(
            describe(block)
                + ": cannot read captured value "
                + f.getName()
                + " of its lambda: "
                + e,
            e);
      }
    }
    return out;
  }

  private static int captureIndex(String name) {
    int dollar = name.lastIndexOf('$');
    try {
      return Integer.parseInt(name.substring(dollar + 1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** The captured value at {@code index}, checked to be of {@code type}. */
  public static <T> T capture(LambdaBlock block, int index, Class<T> type) {
    List<Object> captured = lambdaCaptures(block);
    if (index >= captured.size() || !type.isInstance(captured.get(index))) {
      throw new OnnxExportException(
          describe(block)
              + ": expected a "
              + type.getSimpleName()
              + " as captured value "
              + index
              + " of its lambda, found "
              + captured
              + " (DJL internals changed?)");
    }
    return type.cast(captured.get(index));
  }

  /** A block's description for messages: a LambdaBlock's name, or the class name. */
  public static String describe(Block block) {
    if (block instanceof LambdaBlock lambda) {
      return "LambdaBlock '" + lambda.getName() + "'";
    }
    return block.getClass().getSimpleName();
  }

  /** Row-major float copy of an array of any numeric type. */
  public static float[] floats(NDArray array) {
    if (array.getDataType() == DataType.FLOAT32) {
      return array.toFloatArray();
    }
    try (NDArray f = array.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }
}
