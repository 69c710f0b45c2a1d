/**
 * Module {@code platform/spec} (artifact cairn-spec): what a run is made of. Owns experiment specs
 * (YAML parsing, validation with one message per bad field, resolution against the installed
 * plugins) here, the PF4J plugin registry in {@code dev.cairn.core.plugins}, and the run's {@code
 * dev.cairn.core.Provenance} (versions, platform, git commit). {@link
 * dev.cairn.core.spec.SpecReader} is the one reader of typed values at a field path (text, integer,
 * number, choice, section, list), whose errors name the path and what is allowed; the spec parser
 * and the sweep parser (platform/sweep) both read through it.
 *
 * <p>May import: {@code dev.cairn.spi}, PF4J, DJL's api artifact, Jackson (YAML). Never the other
 * core modules (tracking, training, onnx, sweep), the server, Vert.x or H2. Checked by
 * ArchitectureTest in platform/server.
 */
package dev.cairn.core.spec;
