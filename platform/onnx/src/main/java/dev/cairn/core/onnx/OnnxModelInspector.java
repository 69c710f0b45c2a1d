package dev.cairn.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads what an ONNX file declares (inputs, outputs, versions, metadata) and rejects what is not an
 * ONNX model with a message saying why: empty, not a protobuf ModelProto (wrong format or
 * truncated), no graph, no IR version or opset, tensors in external files, no inputs. Whether ONNX
 * Runtime supports the IR version and operators is its own check, made at import.
 */
public final class OnnxModelInspector {
  private OnnxModelInspector() {}

  /**
   * @param what the file's name or path, for messages
   */
  public static ModelSignature inspect(byte[] bytes, String what) {
    if (bytes.length == 0) {
      throw invalid(
          what
              + " is empty (0 bytes); expected an ONNX model file (a serialized ModelProto, usually *.onnx)");
    }
    OnnxMl.ModelProto model;
    try {
      model = OnnxMl.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw invalid(
          what
              + " is not an ONNX model: its "
              + bytes.length
              + " bytes do not parse as an ONNX ModelProto ("
              + e.getMessage()
              + "); a truncated or partly downloaded file, or another format (PyTorch .pt,"
              + " TorchScript, a zip), gives this");
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw invalid(
          what
              + " is not an ONNX model: it parses but holds no graph nodes"
              + " (a truncated file, or a protobuf of another kind)");
    }
    if (model.getIrVersion() <= 0) {
      throw invalid(what + " declares no IR version; every ONNX model file has one");
    }
    if (model.getOpsetImportCount() == 0) {
      throw invalid(what + " imports no operator set (opset_import is empty)");
    }
    OnnxMl.GraphProto graph = model.getGraph();
    Set<String> initializers = new HashSet<>();
    for (OnnxMl.TensorProto t : graph.getInitializerList()) {
      initializers.add(t.getName());
      if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        throw invalid(
            what
                + ": tensor '"
                + t.getName()
                + "' keeps its data in an external file, which import does not"
                + " support; save the model with all tensors inside the .onnx file");
      }
    }
    List<TensorSpec> inputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : graph.getInputList()) {
      if (!initializers.contains(v.getName())) {
        inputs.add(spec(v));
      }
    }
    if (inputs.isEmpty()) {
      throw invalid(what + " declares no graph inputs; there is nothing to feed it");
    }
    List<TensorSpec> outputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : graph.getOutputList()) {
      outputs.add(spec(v));
    }
    if (outputs.isEmpty()) {
      throw invalid(what + " declares no graph outputs");
    }
    Map<String, Long> opsets = new LinkedHashMap<>();
    model.getOpsetImportList().forEach(o -> opsets.put(o.getDomain(), o.getVersion()));
    Map<String, String> metadata = new LinkedHashMap<>();
    model.getMetadataPropsList().forEach(p -> metadata.put(p.getKey(), p.getValue()));
    String producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
    return new ModelSignature(inputs, outputs, model.getIrVersion(), opsets, producer, metadata);
  }

  static TensorSpec spec(OnnxMl.ValueInfoProto v) {
    OnnxMl.TypeProto type = v.getType();
    if (!type.hasTensorType()) {
      String kind = type.hasSequenceType() ? "sequence" : type.hasMapType() ? "map" : "optional";
      return new TensorSpec(v.getName(), kind, new long[0], List.of());
    }
    OnnxMl.TypeProto.Tensor tensor = type.getTensorType();
    OnnxMl.TensorProto.DataType elem = OnnxMl.TensorProto.DataType.forNumber(tensor.getElemType());
    String typeName =
        elem == null ? "type" + tensor.getElemType() : elem.name().toLowerCase(Locale.ROOT);
    List<OnnxMl.TensorShapeProto.Dimension> dims = tensor.getShape().getDimList();
    long[] shape = new long[dims.size()];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < dims.size(); i++) {
      OnnxMl.TensorShapeProto.Dimension d = dims.get(i);
      shape[i] = d.hasDimValue() ? d.getDimValue() : -1;
      names.add(d.hasDimParam() ? d.getDimParam() : "");
    }
    return new TensorSpec(v.getName(), typeName, shape, names);
  }

  private static OnnxModelException invalid(String message) {
    return new OnnxModelException(Reason.INVALID_MODEL, message);
  }
}
