/**
 * Module {@code platform/training} (artifact cairn-training): training a resolved spec with DJL.
 * Owns the training runner, its tracking listener, checkpoints, resume and fine-tune, the
 * description of a trained model saved next to its parameters ({@link
 * dev.cairn.core.training.TrainedModelInfo}), the one loader of a trained run that export, resume
 * and fine-tune share ({@link dev.cairn.core.training.TrainedRunLoader}), and process/GPU metrics
 * in {@code dev.cairn.core.system}.
 *
 * <p>May import: spec, tracking, {@code dev.cairn.spi}, DJL and the PyTorch engine. Never onnx,
 * sweep, the server or Vert.x: export builds on training, not the other way round. Checked by
 * ArchitectureTest in platform/server.
 */
package dev.cairn.core.training;
