package dev.cairn.core.spec;

import dev.cairn.spi.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dataset-wide options, whatever the dataset plugin: these keys sit in the {@code dataset} section
 * next to the loader's ({@code batchSize}, {@code shuffle}, {@code dropLast}) and are not passed to
 * the plugin.
 *
 * <pre>
 * dataset:
 *   plugin: fashion-mnist
 *   subset: 2000                 # a seeded random sample of the training split
 *   validation: 0.1              # hold out this share of it as the validation split
 *   folds: 5                     # or k-fold: fold `fold` (0..folds-1) is the validation split
 *   fold: 0
 *   normalize: true              # per-channel mean/std of the training split, inside the model
 *   resize: 32                   # images resized to 32x32 (bilinear), every split
 *   augment: {crop: 4, flip: true}   # training batches: random crop after zero-padding 4, flips
 *   mixup: 0.2                   # mixup with lambda ~ Beta(0.2, 0.2) on training batches
 *   classes: [0, 1]              # keep these classes only (relabelled 0, 1, ...)
 * </pre>
 *
 * @param subset training examples to keep; 0 = all
 * @param validation share of the training split held out for validation; 0 = none
 * @param folds k of k-fold cross-validation; 0 = off
 * @param fold which fold is the validation split
 * @param normalize standardise inputs with the training split's per-channel mean and standard
 *     deviation, as the model's first layer (so exports and predictions take raw inputs)
 * @param resize side of the square images after resizing; 0 = keep
 * @param cropPadding random crop after zero-padding by this many pixels; 0 = off
 * @param flip random horizontal flips
 * @param mixup alpha of mixup's Beta distribution; 0 = off
 * @param classes class indices to keep, in the new label order; empty = all
 */
public record DataOptions(
    int subset,
    double validation,
    int folds,
    int fold,
    boolean normalize,
    int resize,
    int cropPadding,
    boolean flip,
    double mixup,
    List<Integer> classes) {
  public static final DataOptions NONE =
      new DataOptions(0, 0, 0, 0, false, 0, 0, false, 0, List.of());

  /** The keys this record reads from the dataset section. */
  public static final List<String> KEYS =
      List.of(
          "subset",
          "validation",
          "folds",
          "fold",
          "normalize",
          "resize",
          "augment",
          "mixup",
          "classes");

  public DataOptions {
    classes = classes == null ? List.of() : List.copyOf(classes);
    if (classes.size() == 1 || classes.stream().distinct().count() != classes.size()) {
      throw new SpecException(
          "dataset.classes",
          classes + " is not allowed; expected at least 2" + " different class indices");
    }
    if (validation > 0 && folds > 0) {
      throw new SpecException(
          "dataset.folds",
          "cannot be combined with dataset.validation;"
              + " choose a held-out share or k-fold cross-validation");
    }
    if (folds > 0 && fold >= folds) {
      throw new SpecException(
          "dataset.fold",
          fold + " is not allowed; with " + folds + " folds it is 0.." + (folds - 1));
    }
    if (folds == 0 && fold != 0) {
      throw new SpecException("dataset.fold", "needs dataset.folds (the number of folds)");
    }
  }

  /** A spec without classes keeps them all. */
  public DataOptions(
      int subset,
      double validation,
      int folds,
      int fold,
      boolean normalize,
      int resize,
      int cropPadding,
      boolean flip,
      double mixup) {
    this(subset, validation, folds, fold, normalize, resize, cropPadding, flip, mixup, List.of());
  }

  /** True when training batches need Cairn's own batching (random transforms, resizing). */
  public boolean transformsBatches() {
    return resize > 0 || cropPadding > 0 || flip || mixup > 0;
  }

  public boolean splits() {
    return validation > 0 || folds > 0;
  }

  static DataOptions parse(Map<String, Object> section) {
    int subset = SpecReader.intAtLeast("dataset.subset", section.get("subset"), 0, 0);
    double validation =
        SpecReader.number("dataset.validation", section.get("validation"), 0, 0, false, 1);
    int folds = SpecReader.intAtLeast("dataset.folds", section.get("folds"), 0, 0);
    if (folds == 1) {
      throw new SpecException(
          "dataset.folds", "1 is not allowed; expected an integer >= 2 (or 0 = off)");
    }
    int fold = SpecReader.intAtLeast("dataset.fold", section.get("fold"), 0, 0);
    boolean normalize = SpecReader.bool("dataset.normalize", section.get("normalize"), false);
    int resize = SpecReader.intAtLeast("dataset.resize", section.get("resize"), 0, 0);
    int crop = 0;
    boolean flip = false;
    if (section.get("augment") != null) {
      Map<String, Object> augment = SpecReader.section("dataset.augment", section.get("augment"));
      SpecReader.onlyKeys("dataset.augment", augment, List.of("crop", "flip"));
      crop = SpecReader.intAtLeast("dataset.augment.crop", augment.get("crop"), 0, 0);
      flip = SpecReader.bool("dataset.augment.flip", augment.get("flip"), false);
    }
    double mixup =
        SpecReader.number(
            "dataset.mixup", section.get("mixup"), 0, 0, false, Double.POSITIVE_INFINITY);
    List<Integer> classes = new ArrayList<>();
    if (section.get("classes") != null) {
      List<?> list =
          SpecReader.list(
              "dataset.classes", section.get("classes"), "a list of class indices, e.g. [0, 1]");
      for (Object c : list) {
        classes.add(SpecReader.intAtLeast("dataset.classes", c, 0, 0));
      }
    }
    return new DataOptions(
        subset, validation, folds, fold, normalize, resize, crop, flip, mixup, classes);
  }
}
