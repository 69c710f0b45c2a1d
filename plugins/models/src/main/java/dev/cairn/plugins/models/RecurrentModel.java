package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RNN;
import ai.djl.nn.recurrent.RecurrentBlock;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.onnx.OnnxConverter;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * A recurrent network for sequences: a stack of {@code layers} RNN, GRU or LSTM layers of {@code
 * hidden} units reads examples of shape {@code [steps, features]} (batch first), and a Linear layer
 * maps the last step's hidden state to the outputs (the next value of a series, or class scores).
 */
@Extension
public class RecurrentModel implements ModelProvider {
  /** Name of the block that keeps the last time step, for its ONNX converter. */
  static final String LAST_STEP = "lastStep";

  @Override
  public String id() {
    return "rnn";
  }

  @Override
  public String description() {
    return "stacked RNN / GRU / LSTM over [steps, features] sequences; Linear on the last step";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofChoice("cell", "lstm", List.of("rnn", "gru", "lstm"), "recurrent cell"),
        ParamSpec.ofInt("hidden", 64, "hidden units per layer").greaterThan(0),
        ParamSpec.ofInt("layers", 1, "stacked recurrent layers").greaterThan(0),
        ParamSpec.ofDouble("dropout", 0.0, "dropout between stacked layers")
            .atLeast(0)
            .atMost(0.99));
  }

  @Override
  public List<OnnxConverter> onnxConverters() {
    return ModelConverters.ALL;
  }

  @Override
  public Block build(Params params, ModelContext context) {
    long[] shape = context.dataset().inputShape();
    if (shape.length != 2) {
      throw new SpecException(
          "model",
          "'rnn' reads sequences of shape [steps, features], but the dataset gives examples of"
              + " shape "
              + Arrays.toString(shape)
              + "; use a sequence dataset (e.g. 'sequence')");
    }
    RecurrentBlock cell = cell(params);
    return new SequentialBlock()
        .add(cell)
        .add(LambdaBlock.singleton(x -> x.get(":, -1, :"), LAST_STEP))
        .add(Linear.builder().setUnits(context.dataset().outputSize()).build());
  }

  private static RecurrentBlock cell(Params params) {
    int hidden = params.getInt("hidden");
    int layers = params.getInt("layers");
    float dropout = params.getFloat("dropout");
    switch (params.getString("cell")) {
      case "rnn":
        return RNN.builder()
            .setActivation(RNN.Activation.TANH)
            .setStateSize(hidden)
            .setNumLayers(layers)
            .optDropRate(dropout)
            .optBatchFirst(true)
            .build();
      case "gru":
        return GRU.builder()
            .setStateSize(hidden)
            .setNumLayers(layers)
            .optDropRate(dropout)
            .optBatchFirst(true)
            .build();
      default:
        return LSTM.builder()
            .setStateSize(hidden)
            .setNumLayers(layers)
            .optDropRate(dropout)
            .optBatchFirst(true)
            .build();
    }
  }
}
