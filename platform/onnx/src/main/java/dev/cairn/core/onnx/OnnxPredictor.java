package dev.cairn.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cairn.core.onnx.OnnxModelException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Runs a leased session on named input tensors and reads every output back. */
public final class OnnxPredictor {
  private OnnxPredictor() {}

  public static Prediction predict(
      InferenceSessions.Lease lease, ModelSignature signature, Map<String, TensorData> inputs) {
    TreeSet<String> missing = new TreeSet<>();
    signature.inputs().forEach(i -> missing.add(i.name()));
    missing.removeAll(inputs.keySet());
    if (!missing.isEmpty()) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          "missing input(s) " + missing + "; the model takes " + signature.inputs());
    }
    for (String name : inputs.keySet()) {
      if (signature.input(name).isEmpty()) {
        throw new OnnxModelException(
            Reason.BAD_INPUT,
            "the model has no input '" + name + "'; it takes " + signature.inputs());
      }
    }
    lease.shapes().check(inputs, maxOutputBytes(), maxTensorBytes());
    OrtEnvironment env = OrtSupport.environment();
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, TensorData> e : inputs.entrySet()) {
        feed.put(e.getKey(), e.getValue().toOnnx(env));
      }
      Map<String, TensorData> outputs = new LinkedHashMap<>();
      long start = System.nanoTime();
      double millis;
      try (OrtSession.Result result = lease.session().run(feed)) {
        millis = (System.nanoTime() - start) / 1e6;
        checkOutputSize(result);
        for (Map.Entry<String, OnnxValue> e : result) {
          if (!(e.getValue() instanceof OnnxTensor t)) {
            throw new OnnxModelException(
                Reason.BAD_INPUT,
                "output '"
                    + e.getKey()
                    + "' is a "
                    + e.getValue().getType()
                    + ", which predict cannot return; only tensors are supported");
          }
          outputs.put(e.getKey(), TensorData.fromOnnx(e.getKey(), t));
        }
      }
      return new Prediction(
          outputs, classes(signature, outputs), lease.provider(), lease.providerNote(), millis);
    } catch (OrtException e) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          "ONNX Runtime rejected the input: " + ExecutionProviders.firstLine(e.getMessage()),
          e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * Largest total of output bytes copied out of ONNX Runtime (system property, default 256 MiB).
   */
  static long maxOutputBytes() {
    return Long.getLong("cairn.onnx.maxOutputBytes", 256L << 20);
  }

  /**
   * Largest single intermediate tensor a prediction may make, as far as its shape is known before
   * the run (system property, default 1 GiB).
   */
  static long maxTensorBytes() {
    return Long.getLong("cairn.onnx.maxTensorBytes", 1L << 30);
  }

  /**
   * Refuses outputs too large to copy and serialize, before any Java copy is made; the native
   * result is freed by its try-with-resources either way.
   */
  private static void checkOutputSize(OrtSession.Result result) {
    long total = 0;
    for (Map.Entry<String, OnnxValue> e : result) {
      if (e.getValue() instanceof OnnxTensor t) {
        total += t.getInfo().getNumElements() * Math.max(1, t.getInfo().type.size);
      }
    }
    long max = maxOutputBytes();
    if (total > max) {
      throw new OnnxModelException(
          Reason.BAD_INPUT,
          String.format(
              Locale.ROOT,
              "the outputs for this input are %.1f MiB, more than the %.1f MiB a prediction may return;"
                  + " send a smaller batch or input",
              total / 1048576.0,
              max / 1048576.0));
    }
  }

  /** Top class per example from the first output, when the metadata names the labels. */
  static List<Prediction.ClassScore> classes(
      ModelSignature signature, Map<String, TensorData> outputs) {
    List<String> labels = signature.classLabels();
    if (labels.isEmpty() || outputs.isEmpty()) {
      return List.of();
    }
    TensorData first = outputs.values().iterator().next();
    if (first.type().equals("string")
        || first.shape().length != 2
        || first.shape()[1] != labels.size()) {
      return List.of();
    }
    boolean logits =
        signature.metadata().getOrDefault(OnnxMetadata.OUTPUT_KIND, "").startsWith("logits");
    int k = labels.size();
    List<Prediction.ClassScore> out = new ArrayList<>();
    for (int row = 0; row < first.shape()[0]; row++) {
      double[] p = new double[k];
      for (int j = 0; j < k; j++) {
        p[j] = first.get(row * k + j);
      }
      if (logits) {
        softmax(p);
      }
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (p[j] > p[best]) {
          best = j;
        }
      }
      out.add(new Prediction.ClassScore(best, labels.get(best), p[best]));
    }
    return out;
  }

  static void softmax(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.exp(v[i] - max);
      sum += v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= sum;
    }
  }
}
