package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl;
import dev.cairn.spi.onnx.OnnxConverter;
import dev.cairn.spi.onnx.OnnxExportException;
import dev.cairn.spi.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips of hand-built dense blocks: export, run in ONNX Runtime, compare with DJL. */
class BlockExportTest {
  private final ExportFixture fixture = new ExportFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  static List<Object[]> activations() {
    return List.of(
        new Object[] {"relu", (Supplier<Block>) Activation::reluBlock, "Relu"},
        new Object[] {"sigmoid", (Supplier<Block>) Activation::sigmoidBlock, "Sigmoid"},
        new Object[] {"tanh", (Supplier<Block>) Activation::tanhBlock, "Tanh"},
        new Object[] {
          "leaky-relu", (Supplier<Block>) () -> Activation.leakyReluBlock(0.01f), "LeakyRelu"
        },
        new Object[] {
          "leaky-relu 0.2", (Supplier<Block>) () -> Activation.leakyReluBlock(0.2f), "LeakyRelu"
        },
        new Object[] {"elu", (Supplier<Block>) () -> Activation.eluBlock(1f), "Elu"},
        new Object[] {"elu 0.5", (Supplier<Block>) () -> Activation.eluBlock(0.5f), "Elu"},
        new Object[] {"gelu", (Supplier<Block>) Activation::geluBlock, "Erf"},
        new Object[] {"swish", (Supplier<Block>) () -> Activation.swishBlock(1f), "Sigmoid"},
        new Object[] {"swish 2", (Supplier<Block>) () -> Activation.swishBlock(2f), "Sigmoid"},
        new Object[] {"softplus", (Supplier<Block>) Activation::softPlusBlock, "Softplus"},
        new Object[] {"softsign", (Supplier<Block>) Activation::softSignBlock, "Softsign"},
        new Object[] {"relu6", (Supplier<Block>) Activation::relu6Block, "Clip"},
        new Object[] {"selu", (Supplier<Block>) Activation::seluBlock, "Selu"},
        new Object[] {"mish", (Supplier<Block>) Activation::mishBlock, "Softplus"});
  }

  /** The MLP plugin's layer pattern: flatten, Linear, BatchNorm, activation, Dropout, Linear. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void mlpWithEveryActivationMatchesDjl(String name, Supplier<Block> activation, String op) {
    Block mlp =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(16).build())
            .add(BatchNorm.builder().build())
            .add(activation.get())
            .add(Dropout.builder().optRate(0.3f).build())
            .add(Linear.builder().setUnits(3).build());
    Shape input = new Shape(8, 2, 3, 4);
    fixture.init(mlp, input, 11);
    ExportFixture.Exported e = fixture.export(mlp, input);
    assertThat(e.verification().maxAbsDiff()).isLessThanOrEqualTo(1e-4);
    assertThat(e.ops()).contains("Flatten", "Gemm", "BatchNormalization", "Dropout", op);
  }

  @Test
  void fileHasOpset13Ir8DynamicBatchAndSortedMetadata() {
    Block block =
        fixture.init(
            new SequentialBlock().add(Linear.builder().setUnits(2).build()), new Shape(4, 5), 1);
    OnnxMl.ModelProto model = fixture.export(block, new Shape(4, 5)).model();
    assertThat(model.getIrVersion()).isEqualTo(8);
    assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(model.getOpsetImport(0).getDomain()).isEmpty();
    OnnxMl.ValueInfoProto in = model.getGraph().getInput(0);
    assertThat(in.getName()).isEqualTo("input");
    assertThat(in.getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
    assertThat(in.getType().getTensorType().getShape().getDim(1).getDimValue()).isEqualTo(5);
    assertThat(model.getGraph().getOutput(0).getName()).isEqualTo("output");
    assertThat(model.getMetadataPropsList())
        .extracting(OnnxMl.StringStringEntryProto::getKey)
        .containsExactly("cairn.test");
  }

  @Test
  void linearOnThreeDimensionalInputUsesMatMul() {
    Block block =
        fixture.init(
            new SequentialBlock().add(Linear.builder().setUnits(3).build()), new Shape(8, 5, 4), 3);
    ExportFixture.Exported e = fixture.export(block, new Shape(8, 5, 4));
    assertThat(e.ops()).contains("MatMul", "Add").doesNotContain("Gemm");
  }

  @Test
  void exportsAreByteReproducible() {
    Shape input = new Shape(8, 6);
    Block a = fixture.init(mlp(), input, 5);
    // a fresh graph builder each time: names, attribute order and metadata come out the same
    assertThat(fixture.export(a, input).bytes()).isEqualTo(fixture.export(a, input).bytes());
  }

  private static Block mlp() {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(4).build())
        .add(BatchNorm.builder().build())
        .add(Activation.geluBlock())
        .add(Linear.builder().setUnits(2).build());
  }

  @Test
  void blockWithoutConverterNamesTheBlockAndItsPlugin() {
    Block block =
        new SequentialBlock().add(Linear.builder().setUnits(2).build()).add(new TimesTwo());
    fixture.init(block, new Shape(2, 3), 1);
    assertThatThrownBy(() -> fixture.export(block, new Shape(2, 3)))
        .isInstanceOf(OnnxExportException.class)
        .hasMessageContaining("no ONNX converter for block TimesTwo")
        .hasMessageContaining("model 'test' of plugin 'tests'")
        .hasMessageContaining("ModelProvider.onnxConverters()");
  }

  @Test
  void pluginConverterWritesThePluginsOwnBlock() {
    Block block =
        new SequentialBlock().add(Linear.builder().setUnits(2).build()).add(new TimesTwo());
    fixture.init(block, new Shape(2, 3), 1);
    ExportFixture.Exported e =
        fixture.export(block, new Shape(2, 3), List.of(new TimesTwoConverter()));
    assertThat(e.ops()).contains("Mul");
  }

  @Test
  void aWrongConverterFailsVerificationWithTheNumbers() {
    OnnxConverter wrong =
        new OnnxConverter() {
          @Override
          public boolean supports(Block block) {
            return block instanceof LambdaBlock l && l.getName().equals("ReLU");
          }

          @Override
          public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
            return graph.node("Sigmoid", List.of(input), Map.of());
          }
        };
    Block block =
        new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Activation.reluBlock());
    fixture.init(block, new Shape(8, 3), 2);
    assertThatThrownBy(() -> fixture.export(block, new Shape(8, 3), List.of(wrong)))
        .isInstanceOf(OnnxExportException.class)
        .hasMessageContaining("does not match DJL: max |ONNX Runtime - DJL| = ")
        .hasMessageContaining("allowed 1e-04");
  }

  @Test
  void converterMistakesAreNamed() {
    OnnxConverter typo =
        new OnnxConverter() {
          @Override
          public boolean supports(Block block) {
            return block instanceof TimesTwo;
          }

          @Override
          public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
            return graph.node("LeakyRelu", List.of(input), Map.of("slope", 0.1f));
          }
        };
    Block block = new SequentialBlock().add(new TimesTwo());
    fixture.init(block, new Shape(2, 3), 1);
    assertThatThrownBy(() -> fixture.export(block, new Shape(2, 3), List.of(typo)))
        .hasMessageContaining("LeakyRelu node is not valid")
        .hasMessageContaining("slope");
  }

  /** A plugin's own block: y = 2x. */
  static final class TimesTwo extends AbstractBlock {
    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(inputs.singletonOrThrow().mul(2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return inputShapes;
    }
  }

  static final class TimesTwoConverter implements OnnxConverter {
    @Override
    public boolean supports(Block block) {
      return block instanceof TimesTwo;
    }

    @Override
    public String convert(Block block, String input, Shape inputShape, OnnxGraph graph) {
      return graph.node(
          "Mul", List.of(input, graph.floatInitializer("two", new float[] {2f})), Map.of());
    }
  }
}
