package dev.cairn.core.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.tracking.RunRecord;
import dev.cairn.core.training.TrainedModelInfo;
import dev.cairn.spi.Params;
import dev.cairn.spi.Task;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The {@code metadata_props} keys Cairn writes into an export: how the model was made. */
public final class OnnxMetadata {
  public static final String RUN_ID = "cairn.run_id";

  /**
   * auto, cpu or cuda: the execution provider a model is served on unless a request says otherwise.
   */
  public static final String EXECUTION_PROVIDER = "cairn.execution_provider";

  public static final String RUN_NAME = "cairn.run_name";
  public static final String EXPERIMENT = "cairn.experiment";
  public static final String SPEC_SHA256 = "cairn.spec_sha256";
  public static final String SEED = "cairn.seed";
  public static final String EPOCHS = "cairn.epochs";
  public static final String MODEL_PLUGIN = "cairn.model_plugin";
  public static final String MODEL_PARAMS = "cairn.model_params";
  public static final String DATASET_PLUGIN = "cairn.dataset_plugin";
  public static final String TASK = "cairn.task";
  public static final String CLASS_LABELS = "cairn.class_labels";
  public static final String INPUT_SHAPE = "cairn.input_shape";
  public static final String OUTPUT_SHAPE = "cairn.output_shape";
  public static final String OUTPUT_KIND = "cairn.output";
  public static final String INPUT_NORMALISATION = "cairn.input_normalisation";

  /** Prefix of the run's provenance entries (versions of Cairn, DJL, the engine, Java, plugins). */
  public static final String PROVENANCE = "provenance.";

  private static final ObjectMapper JSON = new ObjectMapper();

  private OnnxMetadata() {}

  /** Everything about a run's model that travels with its export, sorted by key. */
  public static Map<String, String> forRun(
      RunRecord run, TrainedModelInfo info, Params modelParams) {
    Map<String, String> m = new TreeMap<>();
    m.put(RUN_ID, run.id());
    m.put(RUN_NAME, run.name());
    m.put(EXPERIMENT, run.experiment());
    m.put(SPEC_SHA256, run.specHash());
    m.put(SEED, Long.toString(run.seed()));
    m.put(EPOCHS, Integer.toString(info.epochs()));
    m.put(MODEL_PLUGIN, info.modelPlugin());
    m.put(MODEL_PARAMS, json(new TreeMap<>(modelParams.asMap())));
    m.put(DATASET_PLUGIN, info.datasetPlugin());
    m.put(TASK, info.task().name().toLowerCase(Locale.ROOT));
    m.put(INPUT_SHAPE, json(info.inputShape()));
    m.put(OUTPUT_SHAPE, json(info.outputShape()));
    if (info.task() == Task.CLASSIFICATION) {
      m.put(CLASS_LABELS, json(info.classLabels()));
      m.put(OUTPUT_KIND, "logits (apply softmax for probabilities)");
    } else {
      m.put(OUTPUT_KIND, "values");
    }
    // datasets hand over their features already scaled (e.g. pixels / 255); no mean/std is applied
    m.put(
        INPUT_NORMALISATION,
        "none: inputs exactly as dataset '" + info.datasetPlugin() + "' yields them");
    run.provenance().forEach((k, v) -> m.put(PROVENANCE + k, v));
    return m;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON array of strings, or an empty list when {@code raw} is not one. */
  public static List<String> parseStringList(String raw) {
    try {
      return JSON.readValue(raw, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      return List.of();
    }
  }
}
