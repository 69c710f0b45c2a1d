package dev.cairn.core.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.spi.DatasetInfo;
import dev.cairn.spi.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What an export needs to know about a trained model besides its parameters, saved next to them as
 * {@value #FILE_NAME} by the training runner: the data's shapes, task and class labels, and where
 * the model came from.
 *
 * @param format version of this file's layout
 * @param runId the run that trained it
 * @param specSha256 SHA-256 of the spec text
 * @param modelPlugin model extension id, e.g. {@code mlp}
 * @param datasetPlugin dataset extension id, e.g. {@code fashion-mnist}
 * @param task classification or regression
 * @param inputShape shape of one example
 * @param outputShape shape of one target (classification: [numClasses])
 * @param classLabels class names (classification), empty otherwise
 * @param epochs epochs trained
 * @param seed the run's seed
 */
public record TrainedModelInfo(
    int format,
    String runId,
    String specSha256,
    String modelPlugin,
    String datasetPlugin,
    Task task,
    long[] inputShape,
    long[] outputShape,
    List<String> classLabels,
    int epochs,
    long seed) {
  public static final String FILE_NAME = "cairn-model.json";
  static final int FORMAT = 1;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public TrainedModelInfo {
    classLabels = classLabels == null ? List.of() : List.copyOf(classLabels);
  }

  public static TrainedModelInfo of(
      String runId,
      String specSha256,
      String modelPlugin,
      String datasetPlugin,
      DatasetInfo data,
      int epochs,
      long seed) {
    return new TrainedModelInfo(
        FORMAT,
        runId,
        specSha256,
        modelPlugin,
        datasetPlugin,
        data.task(),
        data.inputShape(),
        data.outputShape(),
        data.classLabels(),
        epochs,
        seed);
  }

  public DatasetInfo datasetInfo() {
    return new DatasetInfo(task, inputShape, outputShape, classLabels);
  }

  /** Writes {@value #FILE_NAME} into {@code modelDir}. */
  public void write(Path modelDir) throws IOException {
    Files.write(modelDir.resolve(FILE_NAME), JSON.writeValueAsBytes(this));
  }

  /** Reads {@value #FILE_NAME} from {@code modelDir}; empty when the run predates it. */
  public static Optional<TrainedModelInfo> read(Path modelDir) throws IOException {
    Path file = modelDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), TrainedModelInfo.class));
    } catch (IOException e) {
      throw new IOException(file + " is not a valid model description: " + e.getMessage(), e);
    }
  }
}
