/**
 * Module {@code platform/spec} (artifact cairn-spec): what a run is made of. Owns experiment specs
 * (YAML parsing, validation with one message per bad field, resolution against the installed
 * plugins) here, the PF4J plugin registry in {@code dev.cairn.core.plugins}, and the run's {@code
 * dev.cairn.core.Provenance} (versions, platform, git commit).
 *
 * <p>May import: {@code dev.cairn.spi}, PF4J, DJL's api artifact, Jackson (YAML). Never the other
 * core modules (tracking, training, onnx, sweep), the server, Vert.x or H2. Checked by
 * ArchitectureTest in platform/server.
 */
package dev.cairn.core.spec;
