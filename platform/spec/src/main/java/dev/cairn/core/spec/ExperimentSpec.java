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
 * @param loader batching of the training split
 * @param dataset dataset plugin and its parameters
 * @param model model plugin and its parameters
 * @param optimizer optimizer plugin and its parameters
 * @param loss loss plugin and its parameters
 * @param text the spec text exactly as given, kept for provenance
 * @param data dataset-wide options (splits, subset, normalisation, augmentation, mixup)
 * @param training training options (early stopping, accumulation, checkpoints, fine-tuning,
 *     metrics)
 * @param logging how often the run records what (the {@code logging:} section)
 */
public record ExperimentSpec(
    String name,
    String experiment,
    String description,
    long seed,
    DeviceChoice device,
    int epochs,
    LoaderSpec loader,
    ComponentSpec dataset,
    ComponentSpec model,
    ComponentSpec optimizer,
    ComponentSpec loss,
    String text,
    DataOptions data,
    TrainingOptions training,
    LoggingOptions logging) {
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
    logging = logging == null ? LoggingOptions.DEFAULTS : logging;
  }
}
