package dev.cairn.core.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import dev.cairn.core.spec.ExperimentSpec;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.Params;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Loads a trained run back: rebuilds the block its stored spec trained (the model plugin's block,
 * with input normalisation in front when the spec asked for it) and loads the parameters saved in a
 * model or checkpoint folder ({@value TrainingRunner#MODEL_NAME} prefix, DJL format). The one way
 * export, resume and fine-tune get at a run's weights.
 */
public final class TrainedRunLoader {
  private static final String ENGINE = "PyTorch";

  private TrainedRunLoader() {}

  /** The stored spec's model parameters, checked against the model plugin as installed now. */
  public static Params modelParams(ExperimentSpec spec, ModelProvider provider) {
    return Params.validate("model", provider.params(), spec.model().params());
  }

  /**
   * The block a run of {@code spec} trained, before its parameters are loaded: the plugin's block
   * built for {@code info}, wrapped in normalisation when the spec asked for it.
   */
  public static Block block(
      ExperimentSpec spec, ModelProvider provider, Params params, DatasetInfo info) {
    return wrap(spec, provider.build(params, new ModelContext(info, spec.seed())), info);
  }

  /** {@code pluginBlock} as a run of {@code spec} trains it: with normalisation when asked for. */
  static Block wrap(ExperimentSpec spec, Block pluginBlock, DatasetInfo info) {
    return spec.data().normalize()
        ? NormalizeBlock.wrap(pluginBlock, info.inputShape())
        : pluginBlock;
  }

  /**
   * A model on the CPU holding {@code block} with the parameters saved in {@code dir}; the caller
   * closes it. On failure the model is closed and the error thrown.
   */
  public static Model load(String name, Block block, Path dir)
      throws IOException, MalformedModelException {
    Model model = Model.newInstance(name, Device.cpu(), ENGINE);
    try {
      model.setBlock(block);
      model.load(dir, TrainingRunner.MODEL_NAME);
      return model;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Loads the parameters saved in {@code dir} into {@code stored} (the block the saving run
   * trained) and copies those that fit into {@code target}, except {@code skip}: how resume and
   * fine-tune take a run's weights. When {@code unwrap} is set and {@code stored} has normalisation
   * in front, the copy starts at the model inside it.
   *
   * @param what names the source in errors, e.g. "checkpoint …" or "run 'x'"
   */
  static WeightTransfer.Result transfer(
      Block stored, Path dir, Block target, boolean unwrap, Set<String> skip, String what)
      throws IOException {
    try (Model source = load("source", stored, dir)) {
      Block from = unwrap && stored instanceof NormalizeBlock n ? n.model() : stored;
      return WeightTransfer.copy(from, target, skip);
    } catch (MalformedModelException | RuntimeException e) {
      throw new IOException(
          "the weights of " + what + " in " + dir + " do not load: " + e.getMessage(), e);
    }
  }
}
