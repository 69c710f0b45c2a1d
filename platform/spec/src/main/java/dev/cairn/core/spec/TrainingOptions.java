package dev.cairn.core.spec;

import dev.cairn.spi.SpecException;
import java.util.List;
import java.util.Map;

/**
 * The {@code training} section: what happens around the optimisation loop.
 *
 * <pre>
 * training:
 *   earlyStopping: {monitor: validation_loss, patience: 3, minDelta: 0, restoreBest: true}
 *   accumulate: 4              # gradients of 4 batches per update
 *   checkpointEvery: 1         # save weights every epoch (runs/&lt;id&gt;/checkpoints); cairn resume
 *   keepCheckpoints: 2
 *   fineTune: {from: RUN_ID, freeze: true, bodyLr: 0.1, newHead: true}
 *   topK: 5                    # also log top-5 accuracy
 *   perClassAccuracy: true     # and the accuracy of each class
 *   threads: 2                 # libtorch intra-op threads (0 = the process's cores)
 * </pre>
 *
 * @param earlyStopping null when off
 * @param accumulate batches whose gradients are averaged into one update (1 = every batch)
 * @param checkpointEvery save a checkpoint every N epochs; 0 = never
 * @param keepCheckpoints how many of the latest checkpoints to keep
 * @param fineTune null when the model starts from scratch
 * @param topK log top-k accuracy of the evaluation split; 0 = off
 * @param perClassAccuracy log the evaluation split's accuracy per class
 * @param threads libtorch intra-op threads while this run trains; 0 = the process's setting ({@code
 *     --threads}, default one per core). libtorch has one pool per process, so runs that share a
 *     server share the latest setting
 */
public record TrainingOptions(
    EarlyStopping earlyStopping,
    int accumulate,
    int checkpointEvery,
    int keepCheckpoints,
    FineTune fineTune,
    int topK,
    boolean perClassAccuracy,
    int threads) {
  public static final TrainingOptions NONE = new TrainingOptions(null, 1, 0, 2, null, 0, false, 0);

  /** Options without a thread setting. */
  public TrainingOptions(
      EarlyStopping earlyStopping,
      int accumulate,
      int checkpointEvery,
      int keepCheckpoints,
      FineTune fineTune,
      int topK,
      boolean perClassAccuracy) {
    this(
        earlyStopping,
        accumulate,
        checkpointEvery,
        keepCheckpoints,
        fineTune,
        topK,
        perClassAccuracy,
        0);
  }

  /** Most intra-op threads a spec may ask for. */
  public static final int MAX_THREADS = 1024;

  static final List<String> KEYS =
      List.of(
          "earlyStopping",
          "accumulate",
          "checkpointEvery",
          "keepCheckpoints",
          "fineTune",
          "topK",
          "perClassAccuracy",
          "threads");

  /**
   * Stop when {@code monitor} has not improved by more than {@code minDelta} for {@code patience}
   * epochs.
   *
   * @param monitor an epoch series without its {@code epoch/} prefix, e.g. {@code validation_loss}
   * @param restoreBest put back the weights of the best epoch when stopping or finishing
   */
  public record EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest) {
    /** Accuracies improve upwards, losses downwards. */
    public boolean higherIsBetter() {
      return monitor.endsWith("accuracy");
    }
  }

  /**
   * Start from another run's trained weights.
   *
   * @param from the run whose saved model (or latest checkpoint) to load: its id, or its name (the
   *     latest run of that name)
   * @param freeze train only the head: every loaded parameter stays fixed
   * @param bodyLr learning-rate factor for the loaded (body) parameters; 1 = same as the head
   * @param newHead re-initialise the last layer even when its shape fits (a new task)
   */
  public record FineTune(String from, boolean freeze, double bodyLr, boolean newHead) {}

  static TrainingOptions parse(Object value) {
    if (value == null) {
      return NONE;
    }
    Map<String, Object> s = SpecReader.section("training", value);
    SpecReader.onlyKeys("training", s, KEYS);
    EarlyStopping early = null;
    if (s.get("earlyStopping") != null) {
      Map<String, Object> e = SpecReader.section("training.earlyStopping", s.get("earlyStopping"));
      SpecReader.onlyKeys(
          "training.earlyStopping", e, List.of("monitor", "patience", "minDelta", "restoreBest"));
      String monitor =
          SpecReader.text("training.earlyStopping.monitor", e.get("monitor"), "validation_loss");
      if (!monitor.matches("(train|validation|test)_(loss|accuracy)")) {
        throw new SpecException(
            "training.earlyStopping.monitor",
            "'"
                + monitor
                + "' is not allowed;"
                + " expected <split>_<metric>: train_loss, validation_loss, validation_accuracy, test_loss, ...");
      }
      early =
          new EarlyStopping(
              monitor,
              SpecReader.intAtLeast("training.earlyStopping.patience", e.get("patience"), 3, 1),
              SpecReader.number(
                  "training.earlyStopping.minDelta",
                  e.get("minDelta"),
                  0,
                  0,
                  false,
                  Double.POSITIVE_INFINITY),
              SpecReader.bool("training.earlyStopping.restoreBest", e.get("restoreBest"), true));
    }
    FineTune fineTune = null;
    if (s.get("fineTune") != null) {
      Map<String, Object> f = SpecReader.section("training.fineTune", s.get("fineTune"));
      SpecReader.onlyKeys("training.fineTune", f, List.of("from", "freeze", "bodyLr", "newHead"));
      String from = SpecReader.text("training.fineTune.from", f.get("from"), "");
      if (from.isBlank()) {
        throw new SpecException(
            "training.fineTune.from", "missing; name the run whose weights to start from");
      }
      fineTune =
          new FineTune(
              from,
              SpecReader.bool("training.fineTune.freeze", f.get("freeze"), false),
              SpecReader.number(
                  "training.fineTune.bodyLr",
                  f.get("bodyLr"),
                  1,
                  0,
                  true,
                  Double.POSITIVE_INFINITY),
              SpecReader.bool("training.fineTune.newHead", f.get("newHead"), true));
    }
    return new TrainingOptions(
        early,
        SpecReader.intAtLeast("training.accumulate", s.get("accumulate"), 1, 1),
        SpecReader.intAtLeast("training.checkpointEvery", s.get("checkpointEvery"), 0, 0),
        SpecReader.intAtLeast("training.keepCheckpoints", s.get("keepCheckpoints"), 2, 1),
        fineTune,
        SpecReader.intAtLeast("training.topK", s.get("topK"), 0, 0),
        SpecReader.bool("training.perClassAccuracy", s.get("perClassAccuracy"), false),
        threads(s.get("threads")));
  }

  private static int threads(Object value) {
    return SpecReader.intValue("training.threads", value, 0, 0, MAX_THREADS);
  }
}
