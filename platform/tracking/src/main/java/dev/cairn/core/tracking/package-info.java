/**
 * Module {@code platform/tracking} (artifact cairn-tracking): what is recorded about runs. Owns the
 * store API ({@link dev.cairn.core.tracking.TrackingStore}, its records) and its H2 implementation
 * ({@link dev.cairn.core.tracking.H2TrackingStore} with one writer, the DAOs, and the chunk codec,
 * buffer and downsampler in {@code tracking.internal}), media (images, histograms, text) in {@code
 * tracking.media}, API tokens and the audit log in {@code dev.cairn.core.security}, TensorBoard
 * import/export in {@code dev.cairn.core.tensorboard}, and the Flyway migrations under {@code
 * db/migration}.
 *
 * <p>Storage is behind interfaces: {@code TrackingStore} (runs, params, series), {@code
 * media.MediaStore}, {@code artifacts.ArtifactStore}, {@code security.SecurityStore}; their H2
 * implementations are the {@code H2*} classes beside them. The stores of the database's other
 * tables (here and in sweep, onnx and the server) reach it through {@code TrackingDatabase}, which
 * {@code H2TrackingStore.database()} gives: their writes go through the store's one writer, each
 * committed durably. The server's {@code Platform} builds each store once.
 *
 * <p>May import: H2, Flyway, Jackson, protobuf (TensorBoard event files), SLF4J. Never spec,
 * training, onnx, sweep, the server or Vert.x. {@code tracking.internal} is used only from inside
 * this package tree. Checked by ArchitectureTest in platform/server.
 */
package dev.cairn.core.tracking;
