/**
 * System metrics of the running process, sampled on a daemon thread: CPU, resident and JVM memory,
 * and per-GPU utilisation and memory through {@code nvidia-smi} where it exists. JDK only (no DJL,
 * no Vert.x), so that any JVM program (the trainer, a future Java client) can log the same series.
 */
package dev.cairn.core.system;
