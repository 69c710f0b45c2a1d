package dev.cairn.server.http;

import ai.onnx.proto.OnnxMl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Bad inputs of every kind, made the same way on every run from a seed: seeded mutations of valid
 * inputs (truncation, bit flips, wrong types, huge numbers, deep nesting, bad UTF-8, ...). Each
 * item has a label saying how it was made, for the assertion messages.
 */
final class HostileCorpus {
  record Item(String label, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Epochs above the fuzz server's --max-epochs: a mutation that still parses is refused too. */
  static final String SPEC =
      """
      name: fuzz
      epochs: 7
      seed: 3
      dataset: {plugin: xor, repeat: 4, batchSize: 4}
      model: {plugin: mlp, hidden: [4]}
      optimizer: {plugin: sgd, lr: 0.1}
      loss: softmax-cross-entropy
      """;

  static final List<String> BAD_VALUES =
      List.of(
          "x",
          "[]",
          "{}",
          "-1",
          "1e400",
          "99999999999999999999999",
          "true",
          "null",
          "''",
          "2147483648",
          ".nan",
          "-.inf",
          "[1, [2, [3]]]",
          "{a: {b: {c: 1}}}",
          "\"\\u0000\"",
          "1e30",
          "0x7fffffffffffffff",
          "!!binary AAAA",
          "*nope",
          "&a [*a]",
          "'../../../../etc/passwd'",
          "/etc/passwd");

  private final Random random;

  HostileCorpus(long seed) {
    random = new Random(seed);
  }

  /** At least {@code count} bad specs. */
  List<Item> specs(int count) {
    List<Item> out = new ArrayList<>();
    byte[] spec = SPEC.getBytes(StandardCharsets.UTF_8);
    String[] lines = SPEC.split("\n");
    // the issue's own cases
    out.add(item("epochs overflow", SPEC.replace("epochs: 7", "epochs: 99999999999999999999999")));
    out.add(item("batchSize 1e12", SPEC.replace("batchSize: 4", "batchSize: 1000000000000")));
    out.add(item("repeat 2e9", SPEC.replace("repeat: 4", "repeat: 2000000000")));
    out.add(item("seed 1e30", SPEC.replace("seed: 3", "seed: 1e30")));
    out.add(item("duplicate key", SPEC + "epochs: 3\n"));
    out.add(item("hidden 1e8", SPEC.replace("hidden: [4]", "hidden: [100000000]")));
    out.add(item("epochs 1e9", SPEC.replace("epochs: 7", "epochs: 1000000000")));
    out.add(
        item(
            "csv /etc/passwd",
            SPEC.replace(
                "{plugin: xor, repeat: 4, batchSize: 4}",
                "{plugin: csv, file: /etc/passwd, separator: ':', batchSize: 4}")));
    out.add(
        item(
            "image-folder /",
            SPEC.replace(
                "{plugin: xor, repeat: 4, batchSize: 4}",
                "{plugin: image-folder, folder: /, batchSize: 4}")));
    out.add(item("fineTune /etc", SPEC + "training: {fineTune: {from: /etc}}\n"));
    out.add(item("variants 10000", SPEC + "variants:\n" + "  - {epochs: 1}\n".repeat(10_000)));
    out.add(
        item(
            "billion laughs",
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                + SPEC));
    out.add(item("deep nesting", "[".repeat(20_000) + "]".repeat(20_000)));
    out.add(item("deep mapping", "a: {".repeat(5_000) + "}".repeat(5_000)));
    out.add(new Item("random bytes", randomBytes(4096)));
    out.add(
        new Item(
            "bad UTF-8",
            concat(spec, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, '\n'})));
    out.add(item("empty", ""));
    out.add(item("a scalar", "42"));
    out.add(item("a list", "[1, 2, 3]"));
    out.add(item("huge key", "k" + "x".repeat(200_000) + ": 1\n" + SPEC));
    out.add(item("control characters", SPEC.replace("name: fuzz", "name: \"fu\\u0000z\\r\\nz\"")));
    while (out.size() < count) {
      int kind = out.size() % 5;
      switch (kind) {
        case 0 -> {
          int at = 1 + random.nextInt(spec.length - 1);
          out.add(new Item("truncated at " + at, Arrays.copyOf(spec, at)));
        }
        case 1 -> {
          byte[] b = spec.clone();
          int at = random.nextInt(b.length);
          b[at] ^= (byte) (1 << random.nextInt(8));
          out.add(new Item("bit flip at " + at, b));
        }
        case 2 -> {
          int line = random.nextInt(lines.length);
          String[] copy = lines.clone();
          String l = copy[line];
          int colon = l.indexOf(':');
          String bad = BAD_VALUES.get(random.nextInt(BAD_VALUES.size()));
          copy[line] = colon < 0 ? bad : l.substring(0, colon + 1) + " " + bad;
          out.add(item("line " + line + " set to " + bad, String.join("\n", copy)));
        }
        case 3 -> {
          String[] keys = {"epochs", "seed", "repeat", "batchSize", "lr", "hidden"};
          String key = keys[random.nextInt(keys.length)];
          String bad = BAD_VALUES.get(random.nextInt(BAD_VALUES.size()));
          String text =
              SPEC.replaceFirst(key + ": [^,}\\n]+(\\])?", key + ": " + bad.replace("$", "\\$"));
          out.add(item(key + " = " + bad, text));
        }
        default -> {
          byte[] b = spec.clone();
          for (int i = 0; i < 3; i++) {
            b[random.nextInt(b.length)] = (byte) (0x80 + random.nextInt(0x80));
          }
          out.add(new Item("bad UTF-8 bytes", b));
        }
      }
    }
    return out;
  }

  /**
   * At least {@code count} bad request bodies (JSON or not); none holds a valid request of any
   * route.
   */
  List<Item> bodies(int count) {
    List<Item> out = new ArrayList<>();
    for (String s :
        List.of(
            "",
            "{",
            "}",
            "[1]",
            "null",
            "\"x\"",
            "123",
            "{\"experiment\": 5}",
            "{}}",
            "{\"a\": 1e999999}",
            "{\"a\": NaN}",
            "{\"a\": 1, \"a\": 2}",
            "{\"params\": [1], \"batchSize\": \"x\","
                + " \"runCap\": \"x\", \"parallel\": [], \"spec\": 5, \"sweep\": 5, \"experiment\": [1], \"dataset\": 1,"
                + " \"name\": {}, \"tag\": 5, \"step\": \"x\", \"values\": \"x\", \"points\": 5, \"inputs\": 5}",
            "{\"dataset\": \"xor\", \"batchSize\": \"x\"}",
            "{\"dataset\": \"xor\", \"params\": [1]}",
            "{\"runCap\": \"x\"}",
            "{\"sweep\": \"method: grid\", \"runCap\": \"x\"}",
            "{\"sweep\": 1}",
            "{\"spec\": [\"x\"]}",
            "{\"batchSize\": 1e99}",
            "{\"step\": -1e400}",
            "{\"experiment\": \"\"}")) {
      out.add(item("body " + s, s));
    }
    out.add(item("deep nesting", "[".repeat(100_000) + "]".repeat(100_000)));
    out.add(item("deep objects", "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000)));
    out.add(new Item("bad UTF-8", new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'}));
    String valid =
        "{\"experiment\": \"e\", \"batchSize\": 4, \"dataset\": \"xor\", \"params\": {\"a\": 1}}";
    byte[] vb = valid.getBytes(StandardCharsets.UTF_8);
    while (out.size() < count) {
      switch (out.size() % 4) {
        case 0 ->
            out.add(
                new Item("truncated JSON", Arrays.copyOf(vb, 1 + random.nextInt(vb.length - 2))));
        case 1 -> out.add(new Item("random bytes", randomBytes(1 + random.nextInt(512))));
        case 2 -> {
          String field =
              List.of(
                      "experiment",
                      "batchSize",
                      "dataset",
                      "params",
                      "spec",
                      "sweep",
                      "runCap",
                      "tag",
                      "step",
                      "value",
                      "inputs",
                      "notes",
                      "tags")
                  .get(random.nextInt(13));
          String bad =
              List.of("[1]", "\"x\"", "{}", "true", "-1", "1e400", "99999999999999999999", "null")
                  .get(random.nextInt(8));
          out.add(item(field + " = " + bad, "{\"" + field + "\": " + bad + "}"));
        }
        default -> {
          byte[] b = vb.clone();
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
          b[0] = '[';
          out.add(new Item("flipped JSON", b));
        }
      }
    }
    return out;
  }

  /** Query strings with bad values for every parameter the routes read. */
  List<String> queries(int count) {
    List<String> names =
        List.of(
            "limit",
            "pageToken",
            "status",
            "maxPoints",
            "smoothing",
            "format",
            "runs",
            "tag",
            "experiment",
            "after",
            "step",
            "owner",
            "name",
            "provider",
            "index",
            "split",
            "since",
            "downsample");
    List<String> values =
        List.of(
            "garbage",
            "-1",
            "x",
            "1e99",
            "99999999999999999999",
            "%00",
            "%FF%FE",
            "NaN",
            "%0D%0AX-Injected:%201",
            "..%2F..%2Fetc%2Fpasswd",
            "",
            "%E2%80%AE",
            "0",
            "2147483648",
            "a".repeat(3000));
    List<String> out = new ArrayList<>();
    out.add("pageToken=garbage");
    while (out.size() < count) {
      String name = names.get(random.nextInt(names.size()));
      String value = values.get(random.nextInt(values.size()));
      out.add(
          name
              + "="
              + value
              + (random.nextBoolean()
                  ? ""
                  : "&"
                      + names.get(random.nextInt(names.size()))
                      + "="
                      + values.get(random.nextInt(values.size()))));
    }
    return out;
  }

  /** A valid ONNX model: y = Identity(x), x float [batch, 2]. */
  static byte[] identityModel() {
    OnnxMl.TensorShapeProto shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(2))
            .build();
    OnnxMl.TypeProto tp =
        OnnxMl.TypeProto.newBuilder()
            .setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder()
                    .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                    .setShape(shape))
            .build();
    OnnxMl.GraphProto g =
        OnnxMl.GraphProto.newBuilder()
            .setName("g")
            .addNode(
                OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
            .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(tp))
            .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(tp))
            .build();
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("fuzz")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  /**
   * At least {@code count} files that are not ONNX models ONNX Runtime can load: truncations (a
   * model cut short), structural breaks (unknown operators, dangling inputs, no graph, bad opset),
   * random bytes and text. Bit flips are not here: a flipped bit in a name leaves a valid model.
   */
  List<Item> onnxFiles(int count) {
    byte[] model = identityModel();
    OnnxMl.ModelProto valid;
    try {
      valid = OnnxMl.ModelProto.parseFrom(model);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<Item> out = new ArrayList<>();
    out.add(new Item("empty", new byte[0]));
    out.add(item("text", "this is not a model"));
    out.add(item("json", "{\"graph\": {}}"));
    out.add(new Item("no graph", valid.toBuilder().clearGraph().build().toByteArray()));
    out.add(new Item("no opset", valid.toBuilder().clearOpsetImport().build().toByteArray()));
    out.add(
        new Item(
            "opset 999",
            valid.toBuilder()
                .setOpsetImport(0, OnnxMl.OperatorSetIdProto.newBuilder().setVersion(999))
                .build()
                .toByteArray()));
    out.add(new Item("ir version 99", valid.toBuilder().setIrVersion(99).build().toByteArray()));
    out.add(
        new Item(
            "unknown operator",
            valid.toBuilder()
                .setGraph(
                    valid.getGraph().toBuilder()
                        .setNode(0, valid.getGraph().getNode(0).toBuilder().setOpType("NoSuchOp")))
                .build()
                .toByteArray()));
    out.add(
        new Item(
            "dangling input",
            valid.toBuilder()
                .setGraph(
                    valid.getGraph().toBuilder()
                        .setNode(0, valid.getGraph().getNode(0).toBuilder().setInput(0, "nowhere")))
                .build()
                .toByteArray()));
    out.add(
        new Item(
            "no outputs",
            valid.toBuilder()
                .setGraph(valid.getGraph().toBuilder().clearOutput())
                .build()
                .toByteArray()));
    while (out.size() < count) {
      switch (out.size() % 3) {
        case 0 ->
            out.add(new Item("truncated", Arrays.copyOf(model, random.nextInt(model.length - 8))));
        case 1 -> out.add(new Item("random bytes", randomBytes(1 + random.nextInt(2048))));
        default -> {
          // a model whose graph is cut before its nodes end: garbage spliced into the middle
          byte[] b = model.clone();
          int at = 2 + random.nextInt(b.length / 2);
          byte[] junk = randomBytes(8 + random.nextInt(32));
          System.arraycopy(junk, 0, b, at, Math.min(junk.length, b.length - at));
          out.add(new Item("garbage spliced at " + at, b));
        }
      }
    }
    return out;
  }

  /**
   * At least {@code count} broken plugin jars, each under its own plugin id: truncated or flipped
   * jars, manifests with bad versions, ids, requirements and dependencies, extension indexes naming
   * missing classes or holding garbage, class files of garbage bytes.
   */
  List<Item> pluginJars(int count) {
    List<Item> out = new ArrayList<>();
    while (out.size() < count) {
      int n = out.size();
      String id = "fuzz" + n;
      byte[] base = jar(id, "1.0.0", null, null, "demo.Missing" + n + "\n", null);
      switch (n % 9) {
        case 0 ->
            out.add(
                new Item(
                    id + " truncated", Arrays.copyOf(base, 1 + random.nextInt(base.length - 1))));
        case 1 -> {
          byte[] b = base.clone();
          for (int i = 0; i < 4; i++) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
          }
          out.add(new Item(id + " bit flips", b));
        }
        case 2 ->
            out.add(
                new Item(
                    id + " bad version",
                    jar(
                        id,
                        List.of("x.y", "", "1.0.0.0.0-!", "99999999999999999999.0")
                            .get(random.nextInt(4)),
                        null,
                        null,
                        "demo.A\n",
                        null)));
        case 3 ->
            out.add(
                new Item(
                    id + " requires the future",
                    jar(id, "1.0.0", ">=99.0.0", null, "demo.A\n", null)));
        case 4 ->
            out.add(
                new Item(
                    id + " missing dependency",
                    jar(id, "1.0.0", null, "nosuch" + n, "demo.A\n", null)));
        case 5 ->
            out.add(
                new Item(
                    id + " garbage index",
                    jar(
                        id,
                        "1.0.0",
                        null,
                        null,
                        new String(randomBytes(64), StandardCharsets.ISO_8859_1),
                        null)));
        case 6 ->
            out.add(
                new Item(
                    id + " garbage class",
                    jar(id, "1.0.0", null, null, "demo.Bad" + n + "\n", randomBytes(200))));
        case 7 -> out.add(new Item(id + " random bytes", randomBytes(1 + random.nextInt(4096))));
        default -> out.add(new Item(id + " no id", jar("", "1.0.0", null, null, "demo.A\n", null)));
      }
    }
    return out;
  }

  private static byte[] jar(
      String id,
      String version,
      String requires,
      String dependency,
      String index,
      byte[] classBytes) {
    Manifest manifest = new Manifest();
    Attributes a = manifest.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", id);
    a.putValue("Plugin-Version", version);
    a.putValue("Plugin-Provider", "fuzz");
    if (requires != null) {
      a.putValue("Plugin-Requires", requires);
    }
    if (dependency != null) {
      a.putValue("Plugin-Dependencies", dependency);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
      out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
      out.write(index.getBytes(StandardCharsets.ISO_8859_1));
      out.closeEntry();
      if (classBytes != null) {
        String cls = index.trim().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(cls));
        out.write(classBytes);
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static Item item(String label, String text) {
    return new Item(label, text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
