package dev.cairn.core.onnx;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl;
import dev.cairn.core.Provenance;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a trained DJL block tree as an ONNX model: IR version 8, opset 13, one float input {@code
 * input} and one float output {@code output}, both with a dynamic first (batch) dimension, and the
 * given provenance in {@code metadata_props}. Nothing time-dependent goes into the file and
 * metadata and attributes are sorted, so the same block and metadata give the same bytes.
 */
public final class OnnxExporter {
  /**
   * IR version of written files: what ONNX Runtime (<= 10) and Debian's checker (<= 8) both read.
   */
  public static final long IR_VERSION = 8;

  public static final String INPUT = "input";
  public static final String OUTPUT = "output";
  static final String BATCH = "batch";

  private OnnxExporter() {}

  /**
   * @param inputShape the shape of a probe batch, batch dimension first
   * @param outputShape the shape DJL's forward pass gives for it (declared as the graph's output)
   * @param graphName the graph's name (the run name)
   * @param metadata provenance written to {@code metadata_props}, sorted by key
   * @param description the model's doc string
   */
  public static OnnxMl.ModelProto export(
      Block block,
      Shape inputShape,
      Shape outputShape,
      ConverterRegistry converters,
      String graphName,
      Map<String, String> metadata,
      String description) {
    GraphBuilder graph = new GraphBuilder(converters);
    String last = graph.convert(block, graph.input(), inputShape);
    OnnxMl.GraphProto built = graph.finish(last);
    OnnxMl.GraphProto.Builder g = built.toBuilder().setName(graphName);
    String generatedInput = graph.input();
    String generatedOutput = built.getNode(built.getNodeCount() - 1).getOutput(0);
    for (OnnxMl.NodeProto.Builder node : g.getNodeBuilderList()) {
      for (int i = 0; i < node.getInputCount(); i++) {
        if (node.getInput(i).equals(generatedInput)) {
          node.setInput(i, INPUT);
        }
      }
      for (int i = 0; i < node.getOutputCount(); i++) {
        if (node.getOutput(i).equals(generatedOutput)) {
          node.setOutput(i, OUTPUT);
        }
      }
    }
    g.clearInput().addInput(valueInfo(INPUT, inputShape));
    g.clearOutput().addOutput(valueInfo(OUTPUT, outputShape));

    OnnxMl.ModelProto.Builder model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxOperator.OPSET))
            .setProducerName("cairn")
            .setProducerVersion(Provenance.cairnVersion())
            .setDomain("dev.cairn")
            .setModelVersion(1)
            .setDocString(description == null ? "" : description)
            .setGraph(g);
    new TreeMap<>(metadata)
        .forEach(
            (k, v) ->
                model.addMetadataProps(
                    OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(k)
                        .setValue(v == null ? "" : v)));
    return model.build();
  }

  /** A float tensor value whose first dimension is the symbolic {@code batch}. */
  static OnnxMl.ValueInfoProto valueInfo(String name, Shape shape) {
    OnnxMl.TensorShapeProto.Builder dims = OnnxMl.TensorShapeProto.newBuilder();
    for (int i = 0; i < shape.dimension(); i++) {
      OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (i == 0) {
        d.setDimParam(BATCH);
      } else {
        d.setDimValue(shape.get(i));
      }
      dims.addDim(d);
    }
    OnnxMl.TypeProto type =
        OnnxMl.TypeProto.newBuilder()
            .setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder()
                    .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                    .setShape(dims))
            .build();
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
