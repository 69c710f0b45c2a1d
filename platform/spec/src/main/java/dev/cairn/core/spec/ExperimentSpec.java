package dev.cairn.core.spec;

import java.util.Objects;

/**
 * A parsed, structurally valid experiment spec. Plugin ids and plugin parameters are checked
 * against the installed plugins by {@link SpecResolver}.
 *
 * @param name run name
 * @param experiment experiment the run belongs to
 * @param description free text
 * @param seed random seed for initialisation, shuffling and synthetic data
 * @param device where to train
 * @param epochs passes over the training split, >= 1
 * @param logEverySteps per-step scalars (training loss, learning rate) every N steps, >= 1
 * @param loader batching of the training split
 * @param dataset dataset plugin and its parameters
 * @param model model plugin and its parameters
 * @param optimizer optimizer plugin and its parameters
 * @param loss loss plugin and its parameters
 * @param text the spec text exactly as given, kept for provenance
 * @param data dataset-wide options (splits, subset, normalisation, augmentation, mixup)
 * @param training training options (early stopping, accumulation, checkpoints, fine-tuning,
 *     metrics)
 * @param histogramsEveryEpochs weight / gradient histograms every N epochs, 0 = off (default 1)
 * @param imagesEveryEpochs sample predictions and confusion matrix every N epochs, 0 = off (default
 *     1)
 * @param systemEverySeconds {@code system/*} series (CPU, memory, GPU) every N seconds, 0 = off
 *     (default 10)
 * @param evaluateEveryEpochs evaluate the validation (or test) split every N epochs and after the
 *     last, >= 1 (default 1)
 */
public record ExperimentSpec(
    String name,
    String experiment,
    String description,
    long seed,
    DeviceChoice device,
    int epochs,
    int logEverySteps,
    LoaderSpec loader,
    ComponentSpec dataset,
    ComponentSpec model,
    ComponentSpec optimizer,
    ComponentSpec loss,
    String text,
    DataOptions data,
    TrainingOptions training,
    int histogramsEveryEpochs,
    int imagesEveryEpochs,
    int systemEverySeconds,
    int evaluateEveryEpochs) {
  public ExperimentSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(experiment, "experiment");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(loss, "loss");
    description = description == null ? "" : description;
    text = text == null ? "" : text;
    data = data == null ? DataOptions.NONE : data;
    training = training == null ? TrainingOptions.NONE : training;
    if (histogramsEveryEpochs < 0 || imagesEveryEpochs < 0 || systemEverySeconds < 0) {
      throw new IllegalArgumentException("logging cadences are >= 0 (0 = off)");
    }
    if (evaluateEveryEpochs < 1) {
      throw new IllegalArgumentException("evaluateEveryEpochs is >= 1");
    }
  }

  /** A spec that evaluates every epoch. */
  public ExperimentSpec(
      String name,
      String experiment,
      String description,
      long seed,
      DeviceChoice device,
      int epochs,
      int logEverySteps,
      LoaderSpec loader,
      ComponentSpec dataset,
      ComponentSpec model,
      ComponentSpec optimizer,
      ComponentSpec loss,
      String text,
      DataOptions data,
      TrainingOptions training,
      int histogramsEveryEpochs,
      int imagesEveryEpochs,
      int systemEverySeconds) {
    this(
        name,
        experiment,
        description,
        seed,
        device,
        epochs,
        logEverySteps,
        loader,
        dataset,
        model,
        optimizer,
        loss,
        text,
        data,
        training,
        histogramsEveryEpochs,
        imagesEveryEpochs,
        systemEverySeconds,
        1);
  }

  /** A spec that logs system metrics every {@link #DEFAULT_SYSTEM_EVERY_SECONDS} seconds. */
  public ExperimentSpec(
      String name,
      String experiment,
      String description,
      long seed,
      DeviceChoice device,
      int epochs,
      int logEverySteps,
      LoaderSpec loader,
      ComponentSpec dataset,
      ComponentSpec model,
      ComponentSpec optimizer,
      ComponentSpec loss,
      String text,
      DataOptions data,
      TrainingOptions training,
      int histogramsEveryEpochs,
      int imagesEveryEpochs) {
    this(
        name,
        experiment,
        description,
        seed,
        device,
        epochs,
        logEverySteps,
        loader,
        dataset,
        model,
        optimizer,
        loss,
        text,
        data,
        training,
        histogramsEveryEpochs,
        imagesEveryEpochs,
        DEFAULT_SYSTEM_EVERY_SECONDS);
  }

  /** Default of {@code logging.systemEverySeconds}. */
  public static final int DEFAULT_SYSTEM_EVERY_SECONDS = 10;

  /** A spec that logs histograms and images every epoch. */
  public ExperimentSpec(
      String name,
      String experiment,
      String description,
      long seed,
      DeviceChoice device,
      int epochs,
      int logEverySteps,
      LoaderSpec loader,
      ComponentSpec dataset,
      ComponentSpec model,
      ComponentSpec optimizer,
      ComponentSpec loss,
      String text,
      DataOptions data,
      TrainingOptions training) {
    this(
        name,
        experiment,
        description,
        seed,
        device,
        epochs,
        logEverySteps,
        loader,
        dataset,
        model,
        optimizer,
        loss,
        text,
        data,
        training,
        1,
        1);
  }

  /** A spec without dataset-wide or training options. */
  public ExperimentSpec(
      String name,
      String experiment,
      String description,
      long seed,
      DeviceChoice device,
      int epochs,
      int logEverySteps,
      LoaderSpec loader,
      ComponentSpec dataset,
      ComponentSpec model,
      ComponentSpec optimizer,
      ComponentSpec loss,
      String text) {
    this(
        name,
        experiment,
        description,
        seed,
        device,
        epochs,
        logEverySteps,
        loader,
        dataset,
        model,
        optimizer,
        loss,
        text,
        DataOptions.NONE,
        TrainingOptions.NONE);
  }
}
