/**
 * Module {@code platform/training} (artifact cairn-training): training a resolved spec with DJL.
 * Owns the training runner, its metrics listener, checkpoints, resume and fine-tune, the
 * description of a trained model saved next to its parameters ({@link
 * dev.cairn.core.training.TrainedModelInfo}), the one loader of a trained run that export, resume
 * and fine-tune share ({@link dev.cairn.core.training.TrainedRunLoader}), and process/GPU metrics
 * in {@code dev.cairn.core.system}.
 *
 * <p>The metrics path: trainer -> {@link dev.cairn.core.training.MetricsListener} (the DJL
 * listener) -> {@link dev.cairn.core.training.MetricSink} (where a run's metrics go; the server's
 * implementations are named {@code <Where>MetricSink}) -> the store writer. Plugins log into the
 * same sink through {@link dev.cairn.spi.MetricLogger}, implemented by {@link
 * dev.cairn.core.training.RunMetricLogger}; consoles follow progress through {@link
 * dev.cairn.core.training.ProgressObserver}.
 *
 * <p>May import: spec, tracking, {@code dev.cairn.spi}, DJL and the PyTorch engine. Never onnx,
 * sweep, the server or Vert.x: export builds on training, not the other way round. Checked by
 * ArchitectureTest in platform/server.
 */
package dev.cairn.core.training;
