package dev.cairn.core.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The JSON shapes of models, predictions, evaluations and exports, shared by the CLI and REST API.
 */
public final class OnnxJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OnnxJson() {}

  public static ObjectNode model(RegisteredModel m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", m.id());
    o.put("name", m.name());
    o.put("source", m.source().name().toLowerCase());
    o.put("runId", m.runId());
    o.put("sha256", m.sha256());
    o.put("sizeBytes", m.sizeBytes());
    o.put("createdAt", m.createdAt().toString());
    signature(o, m.signature());
    return o;
  }

  public static ObjectNode signature(ObjectNode o, ModelSignature s) {
    ArrayNode inputs = o.putArray("inputs");
    s.inputs().forEach(t -> inputs.add(tensorSpec(t)));
    ArrayNode outputs = o.putArray("outputs");
    s.outputs().forEach(t -> outputs.add(tensorSpec(t)));
    o.put("irVersion", s.irVersion());
    ObjectNode opsets = o.putObject("opsets");
    s.opsets().forEach((domain, v) -> opsets.put(domain.isEmpty() ? "ai.onnx" : domain, v));
    o.put("producer", s.producer());
    if (!s.classLabels().isEmpty()) {
      ArrayNode labels = o.putArray("classLabels");
      s.classLabels().forEach(labels::add);
    }
    ObjectNode meta = o.putObject("metadata");
    s.metadata().forEach(meta::put);
    return o;
  }

  static ObjectNode tensorSpec(TensorSpec t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", t.name());
    o.put("type", t.type());
    ArrayNode shape = o.putArray("shape");
    for (int i = 0; i < t.shape().length; i++) {
      if (t.shape()[i] >= 0) {
        shape.add(t.shape()[i]);
      } else {
        String name = i < t.dimNames().size() ? t.dimNames().get(i) : "";
        shape.add(name.isEmpty() ? "?" : name);
      }
    }
    return o;
  }

  public static ObjectNode prediction(String modelId, Prediction p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", modelId);
    o.put("provider", p.provider());
    o.put("providerNote", p.providerNote());
    o.put("millis", Math.round(p.millis() * 1000) / 1000.0);
    ObjectNode outputs = o.putObject("outputs");
    for (Map.Entry<String, TensorData> e : p.outputs().entrySet()) {
      ObjectNode t = outputs.putObject(e.getKey());
      t.put("type", e.getValue().type());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      t.set("data", TensorJson.toJson(e.getValue()));
    }
    if (!p.classes().isEmpty()) {
      ArrayNode classes = o.putArray("predictions");
      for (Prediction.ClassScore c : p.classes()) {
        classes
            .addObject()
            .put("index", c.index())
            .put("label", c.label())
            .put("probability", c.probability());
      }
    }
    return o;
  }

  public static ObjectNode evaluation(String modelId, Evaluation e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", modelId);
    o.put("dataset", e.dataset());
    o.put("split", e.split());
    o.put("examples", e.examples());
    o.put("task", e.task());
    if (!Double.isNaN(e.accuracy())) {
      o.put("accuracy", e.accuracy());
    }
    o.put("loss", e.loss());
    o.put("lossName", e.lossName());
    if (!Double.isNaN(e.mse())) {
      o.put("mse", e.mse());
    }
    o.put("provider", e.provider());
    o.put("seconds", e.seconds());
    return o;
  }

  public static ObjectNode export(ExportResult r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", r.artifact().runId());
    o.put("modelId", r.model().id());
    o.put("reused", r.reused());
    ObjectNode artifact = o.putObject("artifact");
    artifact.put("name", r.artifact().name());
    artifact.put("path", r.artifact().file().toString());
    artifact.put("sha256", r.artifact().sha256());
    artifact.put("sizeBytes", r.artifact().sizeBytes());
    ObjectNode v = o.putObject("verification");
    v.put("probeExamples", r.verification().probeExamples());
    v.put("maxAbsDiff", r.verification().maxAbsDiff());
    v.put("tolerance", r.verification().tolerance());
    v.put("relativeTolerance", r.verification().relativeTolerance());
    o.put("irVersion", OnnxExporter.IR_VERSION);
    o.put("opset", OnnxOperator.OPSET);
    o.set("model", model(r.model()));
    return o;
  }

  public static ObjectNode artifact(RunArtifact a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", a.runId());
    o.put("name", a.name());
    o.put("kind", a.kind());
    o.put("sha256", a.sha256());
    o.put("sizeBytes", a.sizeBytes());
    o.put("createdAt", a.createdAt().toString());
    o.set("details", JSON.valueToTree(a.details()));
    return o;
  }

  public static String write(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String writePretty(Object node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
