/**
 * TensorBoard event files in and out: the TFRecord framing with its masked CRC-32C checks ({@link
 * dev.cairn.core.tensorboard.TfRecords}), the few Event / Summary / Tensor / HistogramProto /
 * hparams messages Cairn needs, read and written field by field with protobuf-java's coded streams
 * ({@link dev.cairn.core.tensorboard.TbProto}, field numbers as in TensorFlow's {@code
 * event.proto}, {@code summary.proto}, {@code tensor.proto}, {@code histogram.proto} and
 * TensorBoard's {@code plugins/hparams} and {@code plugins/text} protos), an incremental importer
 * of a log directory into the tracking store ({@link dev.cairn.core.tensorboard.TbImporter}) and an
 * exporter of one run ({@link dev.cairn.core.tensorboard.TbExporter}). No Vert.x types.
 */
package dev.cairn.core.tensorboard;
