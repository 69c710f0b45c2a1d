/**
 * The MLflow REST API 2.0 under {@code /api/2.0/mlflow} (docs/mlflow.md), mapped onto Cairn's own
 * store: an MLflow run is a Cairn run (same id, same params, scalar series and tags), an MLflow
 * experiment is a Cairn experiment, and the model registry lives in the V9 tables. Writes go
 * through the same store writer verticles as the native tracking API.
 */
package dev.cairn.server.mlflow;
