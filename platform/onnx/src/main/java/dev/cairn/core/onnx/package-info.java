/**
 * Module {@code platform/onnx} (artifact cairn-onnx): ONNX export of trained runs (a converter per
 * DJL block type in {@code onnx.convert}, verification against DJL's own output), the model catalog
 * ({@code ModelCatalog}, on H2 {@code H2ModelCatalog} over the tracking database), import of any
 * ONNX file, and inference and evaluation with ONNX Runtime.
 *
 * <p>May import: training (to rebuild a trained run's model), spec, tracking, {@code
 * dev.cairn.spi}, DJL, tribuo-util-onnx, ONNX Runtime. Never sweep, the server or Vert.x. Checked
 * by ArchitectureTest in platform/server.
 */
package dev.cairn.core.onnx;
