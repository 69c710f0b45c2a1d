/**
 * Module {@code platform/sweep} (artifact cairn-sweep): hyperparameter sweeps. Owns sweep specs,
 * the samplers (grid, random, TPE) and pruners (median, ASHA, Hyperband), parameter importance and
 * the sweep store ({@code SweepStore}, on H2 {@code H2SweepStore} over the tracking database);
 * {@code sweep.internal} is its own business. Running trials is the server's (server.sweep):
 * nothing here trains or touches Vert.x.
 *
 * <p>May import: spec, tracking, Jackson (YAML). Never training, onnx, the server or Vert.x.
 * Checked by ArchitectureTest in platform/server.
 */
package dev.cairn.core.sweep;
