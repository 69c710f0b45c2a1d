package dev.cairn.server.http;

import java.util.List;

/**
 * The MLflow REST API 2.0 routes Cairn serves (relative to {@link #PREFIX}), grouped by what they
 * may do: {@link AccessRules} gives each group its access rule, and the {@code mlflow} package
 * mounts them. They live here so that the route table needs no feature package.
 */
public final class MlflowPaths {
  public static final String PREFIX = "/api/2.0/mlflow";

  /** MLflow's own request limit is 1 MB; a little slack for clients that count differently. */
  public static final long MAX_BODY_BYTES = 2L << 20;

  /** GET routes (tracking). */
  public static final List<String> READS =
      List.of(
          "experiments/get",
          "experiments/get-by-name",
          "experiments/search",
          "runs/get",
          "metrics/get-history",
          "metrics/get-history-bulk-interval");

  /** POST routes that only read (searches with a JSON body). */
  public static final List<String> POST_READS = List.of("experiments/search", "runs/search");

  /** POST routes that write. */
  public static final List<String> WRITES =
      List.of(
          "experiments/create",
          "experiments/update",
          "experiments/delete",
          "experiments/restore",
          "experiments/set-experiment-tag",
          "experiments/delete-experiment-tag",
          "runs/create",
          "runs/update",
          "runs/delete",
          "runs/restore",
          "runs/log-metric",
          "runs/log-parameter",
          "runs/log-batch",
          "runs/set-tag",
          "runs/delete-tag",
          "runs/log-inputs",
          "runs/log-model");

  /** GET routes of the model registry. */
  public static final List<String> REGISTRY_READS =
      List.of(
          "registered-models/get",
          "registered-models/search",
          "registered-models/get-latest-versions",
          "registered-models/alias",
          "model-versions/get",
          "model-versions/search",
          "model-versions/get-download-uri");

  /** POST routes of the model registry that only read. */
  public static final List<String> REGISTRY_POST_READS =
      List.of("registered-models/get-latest-versions");

  public static final List<String> REGISTRY_POST_WRITES =
      List.of(
          "registered-models/create",
          "registered-models/rename",
          "registered-models/set-tag",
          "registered-models/alias",
          "model-versions/create",
          "model-versions/transition-stage",
          "model-versions/set-tag");
  public static final List<String> REGISTRY_PATCH_WRITES =
      List.of("registered-models/update", "model-versions/update");
  public static final List<String> REGISTRY_DELETE_WRITES =
      List.of(
          "registered-models/delete",
          "registered-models/delete-tag",
          "registered-models/alias",
          "model-versions/delete",
          "model-versions/delete-tag");

  private MlflowPaths() {}
}
