package dev.cairn.core.training;

import ai.djl.Model;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's checkpoints: {@code runs/<id>/checkpoints/epoch-0003/} holding the weights after that
 * epoch (DJL format, prefix {@value TrainingRunner#MODEL_NAME}), the model description an export
 * needs, and {@value #STATE} with the epoch and the number of training steps done. Each is written
 * to a temporary folder and renamed into place, so a crash never leaves half a checkpoint.
 */
public final class Checkpoints {
  static final String FOLDER = "checkpoints";
  static final String STATE = "checkpoint.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoints() {}

  /**
   * One saved checkpoint.
   *
   * @param dir its folder
   * @param epoch epochs completed when it was saved
   * @param step training batches done by then
   */
  public record Checkpoint(Path dir, int epoch, long step) {}

  /** Where a run's checkpoints live. */
  public static Path folder(Path runDir) {
    return runDir.resolve(FOLDER);
  }

  static Checkpoint save(
      Model model,
      Path runDir,
      int epoch,
      long step,
      TrainedModelInfo info,
      String specText,
      int keep)
      throws IOException {
    Path folder = folder(runDir);
    Files.createDirectories(folder);
    String name = String.format("epoch-%04d", epoch);
    Path tmp = folder.resolve(name + ".tmp");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    model.setProperty("Epoch", Integer.toString(epoch));
    model.save(tmp, TrainingRunner.MODEL_NAME);
    info.write(tmp);
    Files.writeString(tmp.resolve(SpecFile.NAME), specText);
    Files.write(tmp.resolve(STATE), JSON.writeValueAsBytes(Map.of("epoch", epoch, "step", step)));
    Path dir = folder.resolve(name);
    deleteRecursively(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    List<Checkpoint> all = list(runDir);
    for (int i = 0; i < all.size() - keep; i++) {
      deleteRecursively(all.get(i).dir());
    }
    return new Checkpoint(dir, epoch, step);
  }

  /**
   * Saves the trained parameters into {@code dir} ({@code runs/<id>/model}), with what an ONNX
   * export needs to know about them, atomically: a crash never leaves a half-written model.
   */
  static void saveFinal(Model model, Path dir, int epochs, TrainedModelInfo exportInfo)
      throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    model.setProperty("Epoch", Integer.toString(epochs));
    model.save(tmp, TrainingRunner.MODEL_NAME);
    exportInfo.write(tmp); // shapes, task and labels that an ONNX export needs
    deleteRecursively(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The run's complete checkpoints, oldest first. */
  public static List<Checkpoint> list(Path runDir) throws IOException {
    Path folder = folder(runDir);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(folder)) {
      return dirs.filter(d -> d.getFileName().toString().matches("epoch-\\d+"))
          .filter(d -> Files.isRegularFile(d.resolve(STATE)))
          .map(Checkpoints::read)
          .flatMap(Optional::stream)
          .sorted(Comparator.comparingInt(Checkpoint::epoch))
          .toList();
    }
  }

  /** The newest checkpoint, if any. */
  public static Optional<Checkpoint> latest(Path runDir) throws IOException {
    List<Checkpoint> all = list(runDir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  private static Optional<Checkpoint> read(Path dir) {
    try {
      Map<?, ?> state = JSON.readValue(dir.resolve(STATE).toFile(), Map.class);
      return Optional.of(
          new Checkpoint(
              dir,
              ((Number) state.get("epoch")).intValue(),
              ((Number) state.get("step")).longValue()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
