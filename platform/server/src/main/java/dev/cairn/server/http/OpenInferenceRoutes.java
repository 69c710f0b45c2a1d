package dev.cairn.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Provenance;
import dev.cairn.core.onnx.LoadedModel;
import dev.cairn.core.onnx.OnnxModels;
import dev.cairn.core.onnx.Prediction;
import dev.cairn.core.onnx.ProviderChoice;
import dev.cairn.core.onnx.RegisteredModel;
import dev.cairn.core.onnx.TensorData;
import dev.cairn.core.onnx.TensorJson;
import dev.cairn.core.onnx.TensorSpec;
import dev.cairn.spi.SpecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The Open Inference Protocol (KServe V2 REST, what Triton, KServe and Seldon clients speak) over
 * Cairn's registered models, with the binary tensor extension. A model name is a registered model's
 * name (its newest registration) or id; version {@code n} is the n-th model registered under that
 * name, oldest first. Errors are {@code {"error": "..."}} as the protocol says.
 */
final class OpenInferenceRoutes {
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  /** Loaded on the first request, not while the API verticle starts on the event loop. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** Protocol datatype per element type predict feeds (ONNX's lower-case names). */
  static final Map<String, String> DATATYPES =
      Map.of(
          "bool", "BOOL", "uint8", "UINT8", "int8", "INT8", "int16", "INT16", "int32", "INT32",
          "int64", "INT64", "float16", "FP16", "float", "FP32", "double", "FP64", "string",
          "BYTES");

  /** The request body read by {@link #readBody}: a pooled direct buffer that infer releases. */
  private static final String BODY = "cairn.v2.body";

  private final OnnxModels models;
  private final WorkerExecutor workers;
  private final SafeMessages safe;
  private final int maxBody;

  private OpenInferenceRoutes(
      OnnxModels models, WorkerExecutor workers, SafeMessages safe, long maxBody) {
    this.models = models;
    this.workers = workers;
    this.safe = safe;
    this.maxBody = (int) Math.min(maxBody, Integer.MAX_VALUE - 8);
  }

  /** Adds the routes; error bodies pass through {@code safe} as the rest of the API's do. */
  static void mount(
      Router router, OnnxModels models, WorkerExecutor workers, long maxBody, SafeMessages safe) {
    OpenInferenceRoutes r = new OpenInferenceRoutes(models, workers, safe, maxBody);
    router
        .get("/v2/health/live")
        .handler(ctx -> HttpSupport.json(ctx, 200, new JsonObject().put("live", true)));
    router
        .get("/v2/health/ready")
        .handler(ctx -> HttpSupport.json(ctx, 200, new JsonObject().put("ready", true)));
    router
        .get("/v2")
        .handler(
            ctx ->
                HttpSupport.json(
                    ctx,
                    200,
                    Json.MAPPER
                        .createObjectNode()
                        .put("name", "cairn")
                        .put("version", Provenance.cairnVersion())
                        .set("extensions", Json.MAPPER.createArrayNode().add("binary_tensor_data"))
                        .toString()));
    for (String base : List.of("/v2/models/:name", "/v2/models/:name/versions/:version")) {
      router.get(base).handler(r::metadata);
      router.get(base + "/ready").handler(r::ready);
      router.post(base + "/infer").handler(r::readBody).handler(r::infer);
    }
    router
        .route("/v2/*")
        .handler(
            ctx ->
                error(
                    ctx,
                    404,
                    "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
    router.route("/v2*").failureHandler(r::failure);
  }

  /** The model a name and optional version point at, with its version number. */
  private record Resolved(RegisteredModel model, int version, int versions, LoadedModel loaded) {}

  /**
   * One read of the registered models, indexed: by id, and per name its models oldest first (a
   * name's versions), each with its {@link LoadedModel}, so that a request resolves its model with
   * two map look-ups.
   */
  private static final class Registry {
    final Map<String, RegisteredModel> byId = new HashMap<>();
    final Map<String, List<RegisteredModel>> byName = new HashMap<>();
    final Map<String, LoadedModel> loaded = new HashMap<>();

    Registry(List<RegisteredModel> all) {
      for (RegisteredModel m : all) {
        byId.putIfAbsent(m.id(), m);
        byName.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
        loaded.putIfAbsent(m.id(), LoadedModel.of(m));
      }
      for (List<RegisteredModel> named : byName.values()) {
        named.sort(
            Comparator.comparing(RegisteredModel::createdAt).thenComparing(RegisteredModel::id));
      }
    }

    boolean knows(String name) {
      return byId.containsKey(name) || byName.containsKey(name);
    }
  }

  private Resolved resolve(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    Registry all = registered(false);
    if (!all.knows(name)) {
      all = registered(true); // registered since the last read
    }
    RegisteredModel byId = all.byId.get(name);
    String group = byId != null ? byId.name() : name;
    List<RegisteredModel> named = all.byName.getOrDefault(group, List.of());
    if (named.isEmpty()) {
      throw new ApiException(
          404, "not_found", "no model named '" + name + "' (a registered model's name or id)");
    }
    if (version == null) {
      RegisteredModel chosen = byId != null ? byId : named.get(named.size() - 1);
      return new Resolved(
          chosen, named.indexOf(chosen) + 1, named.size(), all.loaded.get(chosen.id()));
    }
    int v;
    try {
      v = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      v = -1;
    }
    if (v < 1 || v > named.size()) {
      throw new ApiException(
          404,
          "not_found",
          "model '" + name + "' has no version '" + version + "'; versions: 1.." + named.size());
    }
    RegisteredModel chosen = named.get(v - 1);
    return new Resolved(chosen, v, named.size(), all.loaded.get(chosen.id()));
  }

  /** The registered models, re-read at most once a second (a name not in them forces a read). */
  private synchronized Registry registered(boolean fresh) {
    long now = System.nanoTime();
    if (fresh || snapshot == null || now - snapshotAt > 1_000_000_000L) {
      snapshot = new Registry(models.list(1000, 0));
      snapshotAt = now;
    }
    return snapshot;
  }

  private Registry snapshot;
  private long snapshotAt;

  private void metadata(RoutingContext ctx) {
    blocking(
        ctx,
        () -> {
          Resolved r = resolve(ctx);
          ObjectNode o = Json.MAPPER.createObjectNode().put("name", ctx.pathParam("name"));
          ArrayNode versions = o.putArray("versions");
          for (int i = 1; i <= r.versions(); i++) {
            versions.add(String.valueOf(i));
          }
          o.put("platform", "onnxruntime_onnx");
          tensors(o.putArray("inputs"), r.model().signature().inputs());
          tensors(o.putArray("outputs"), r.model().signature().outputs());
          return Buffer.buffer(o.toString());
        });
  }

  private static void tensors(ArrayNode into, List<TensorSpec> specs) {
    for (TensorSpec t : specs) {
      ObjectNode o = into.addObject().put("name", t.name()).put("datatype", datatype(t.type()));
      ArrayNode shape = o.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
    }
  }

  static String datatype(String onnxType) {
    return switch (onnxType) {
      case "uint16" -> "UINT16";
      case "uint32" -> "UINT32";
      case "uint64" -> "UINT64";
      case "bfloat16" -> "BF16";
      default -> DATATYPES.getOrDefault(onnxType, onnxType.toUpperCase(Locale.ROOT));
    };
  }

  private void ready(RoutingContext ctx) {
    blocking(
        ctx,
        () -> {
          Resolved r = resolve(ctx);
          return Buffer.buffer(
              Json.MAPPER
                  .createObjectNode()
                  .put("name", ctx.pathParam("name"))
                  .put("version", String.valueOf(r.version()))
                  .put("ready", true)
                  .toString());
        });
  }

  /**
   * Reads the body into one pooled direct buffer, sized from Content-Length when there is one: the
   * only copy of the request's bytes, from which the JSON header is parsed and binary tensors go to
   * ONNX Runtime as they are (a direct buffer is not copied again). Instead of a BodyHandler, whose
   * heap buffer grows by copies and is then copied to a byte[] and again to direct memory.
   */
  private void readBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long declared = -1;
    String raw = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (raw != null) {
      try {
        declared = Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        declared = -1;
      }
    }
    if (declared > maxBody) {
      ctx.fail(413);
      return;
    }
    if (request.isEnded()) {
      ctx.put(BODY, Unpooled.EMPTY_BUFFER);
      ctx.next();
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))
        && request.version() == HttpVersion.HTTP_1_1) {
      ctx.response().writeContinue();
    }
    ByteBuf body =
        PooledByteBufAllocator.DEFAULT.directBuffer(
            (int) Math.min(declared < 0 ? 65_536 : declared, maxBody), maxBody);
    boolean[] settled = {false};
    request.handler(
        chunk -> {
          if (settled[0]) {
            return;
          }
          ByteBuf bytes = ((BufferInternal) chunk).getByteBuf();
          if (bytes.readableBytes() > maxBody - body.readableBytes()) {
            settled[0] = true;
            body.release();
            ctx.fail(413);
            return;
          }
          body.writeBytes(bytes);
        });
    request.exceptionHandler(
        e -> {
          if (!settled[0]) {
            settled[0] = true;
            body.release();
            ctx.fail(e);
          }
        });
    request.endHandler(
        v -> {
          if (!settled[0]) {
            settled[0] = true;
            ctx.put(BODY, body);
            ctx.next();
          }
        });
    request.resume();
  }

  private void infer(RoutingContext ctx) {
    ByteBuf body = ctx.get(BODY);
    String headerLength = ctx.request().getHeader(HEADER_LENGTH);
    blocking(
        ctx,
        () -> {
          Resolved r = resolve(ctx);
          int length = body.readableBytes();
          int jsonLength = length;
          if (headerLength != null) {
            try {
              jsonLength = Integer.parseInt(headerLength.trim());
            } catch (NumberFormatException e) {
              jsonLength = -1;
            }
            if (jsonLength < 0 || jsonLength > length) {
              throw bad(
                  HEADER_LENGTH
                      + " is '"
                      + headerLength
                      + "'; expected the byte length of the JSON header, 0 to "
                      + length);
            }
          }
          byte[] header = new byte[jsonLength]; // binary data stays in the direct buffer
          body.getBytes(body.readerIndex(), header);
          JsonNode request;
          try {
            request = Json.MAPPER.readTree(header);
          } catch (JsonProcessingException e) {
            throw bad(TensorJson.jsonProblem(e));
          } catch (IOException e) {
            throw bad("the request cannot be read: " + e.getMessage());
          }
          if (request == null || !request.isObject() || !request.path("inputs").isArray()) {
            throw bad(
                "the request must be a JSON object with \"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]");
          }
          LoadedModel model = r.loaded();
          ByteBuffer binary =
              body.nioBuffer(body.readerIndex() + jsonLength, length - jsonLength)
                  .slice()
                  .order(ByteOrder.LITTLE_ENDIAN);
          Map<String, TensorData> inputs = new LinkedHashMap<>();
          for (JsonNode in : request.get("inputs")) {
            TensorData t = input(model, in, binary);
            if (inputs.put(in.path("name").asText(), t) != null) {
              throw bad("input '" + in.path("name").asText() + "' is given twice");
            }
          }
          if (binary.hasRemaining()) {
            throw bad(
                binary.remaining()
                    + " bytes of binary data follow the inputs' binary_data_size; expected none");
          }
          JsonNode provider = request.path("parameters").path("provider");
          if (!provider.isMissingNode() && !provider.isTextual()) {
            throw bad(
                "parameters.provider must be one of \"auto\", \"cpu\", \"cuda\"; got " + provider);
          }
          Prediction p =
              models.predict(
                  model,
                  inputs,
                  provider.isMissingNode() ? null : ProviderChoice.parse(provider.asText()));
          return response(ctx.pathParam("name"), r, request, p, ctx);
        },
        body);
  }

  private static TensorData input(LoadedModel model, JsonNode in, ByteBuffer binary) {
    String name = in.path("name").asText(null);
    if (name == null) {
      throw bad("every input needs a \"name\"");
    }
    TensorSpec spec =
        model
            .signature()
            .input(name)
            .orElseThrow(
                () ->
                    bad(
                        "the model has no input '"
                            + name
                            + "'; it takes "
                            + model.signature().inputs().stream().map(TensorSpec::name).toList()));
    String datatype = in.path("datatype").asText("");
    String expected = datatype(spec.type());
    if (!DATATYPES.containsValue(expected)) {
      throw bad(
          "input '"
              + name
              + "' has datatype "
              + expected
              + ", which Cairn cannot feed (ONNX Runtime's Java API);"
              + " supported: "
              + DATATYPES.values().stream().sorted().toList());
    }
    if (!datatype.equals(expected)) {
      throw bad(
          "input '"
              + name
              + "' is given as datatype '"
              + datatype
              + "'; the model takes "
              + expected);
    }
    if (!in.path("shape").isArray()) {
      throw bad("input '" + name + "' needs \"shape\": an array of non-negative integers");
    }
    long[] shape = new long[in.get("shape").size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = in.get("shape").get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw bad(
            "input '"
                + name
                + "' has shape "
                + in.get("shape")
                + "; dimensions must be non-negative integers");
      }
      shape[i] = d.asLong();
      count = Math.multiplyExact(count, shape[i]);
    }
    JsonNode size = in.path("parameters").path("binary_data_size");
    if (!size.isMissingNode()) {
      return binaryInput(name, spec.type(), shape, count, size, binary);
    }
    if (!in.has("data")) {
      throw bad("input '" + name + "' needs \"data\" or parameters.binary_data_size");
    }
    TensorJson.Parsed parsed;
    try (JsonParser p = Json.MAPPER.treeAsTokens(in.get("data"))) {
      p.nextToken();
      parsed = TensorJson.readTensor(p, name, spec.type());
    } catch (IOException e) {
      throw bad("input '" + name + "' cannot be read: " + e.getMessage());
    }
    if (parsed.count() != count) {
      throw bad(
          "input '"
              + name
              + "' has shape "
              + Arrays.toString(shape)
              + " ("
              + count
              + " values) but \"data\""
              + " has "
              + parsed.count());
    }
    return TensorData.fromParsed(spec.type(), parsed, shape);
  }

  static int elementBytes(String type) {
    return switch (type) {
      case "double", "int64" -> 8;
      case "float", "int32" -> 4;
      case "float16", "int16" -> 2;
      default -> 1;
    };
  }

  private static TensorData binaryInput(
      String name, String type, long[] shape, long count, JsonNode size, ByteBuffer binary) {
    if (type.equals("string")) {
      return binaryStrings(name, shape, count, size, binary);
    }
    long want = count * elementBytes(type);
    if (!size.isIntegralNumber() || size.asLong() != want) {
      throw bad(
          "input '"
              + name
              + "' has binary_data_size "
              + size
              + "; shape "
              + Arrays.toString(shape)
              + " of "
              + datatype(type)
              + " takes "
              + want
              + " bytes");
    }
    if (binary.remaining() < want) {
      throw bad(
          "input '"
              + name
              + "' needs "
              + want
              + " bytes of binary data; only "
              + binary.remaining()
              + " follow");
    }
    int n = (int) count;
    Object data;
    if (type.equals("bool")) {
      boolean[] a = new boolean[n];
      for (int i = 0; i < n; i++) {
        a[i] = binary.get(binary.position() + i) != 0;
      }
      data = a;
    } else {
      // the request's own bytes: ONNX Runtime copies them once into its tensor
      ByteBuffer raw = binary.slice().order(ByteOrder.LITTLE_ENDIAN);
      raw.limit((int) want);
      data = raw;
    }
    binary.position((int) (binary.position() + want));
    return new TensorData(type, shape, data);
  }

  /**
   * BYTES in the binary form: each element is a 4-byte little-endian length and that many bytes;
   * ONNX strings are UTF-8 text, so an element that is not valid UTF-8 is refused.
   */
  private static TensorData binaryStrings(
      String name, long[] shape, long count, JsonNode size, ByteBuffer binary) {
    if (!size.isIntegralNumber()
        || size.asLong() < 4 * count
        || size.asLong() > binary.remaining()) {
      throw bad(
          "input '"
              + name
              + "' has binary_data_size "
              + size
              + "; "
              + count
              + " BYTES elements take 4 bytes of"
              + " length each plus their contents, and "
              + binary.remaining()
              + " bytes of binary data follow");
    }
    int end = binary.position() + (int) size.asLong();
    String[] values = new String[(int) count];
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < values.length; i++) {
      if (end - binary.position() < 4) {
        throw bad(
            "input '"
                + name
                + "': BYTES element "
                + i
                + " has no 4-byte length within binary_data_size "
                + size);
      }
      int length = binary.getInt();
      if (length < 0 || length > end - binary.position()) {
        throw bad(
            "input '"
                + name
                + "': BYTES element "
                + i
                + " says "
                + Integer.toUnsignedLong(length)
                + " bytes; only "
                + (end - binary.position())
                + " remain within binary_data_size "
                + size);
      }
      ByteBuffer element = binary.slice();
      element.limit(length);
      try {
        values[i] = utf8.decode(element).toString();
      } catch (CharacterCodingException e) {
        throw bad(
            "input '"
                + name
                + "': BYTES element "
                + i
                + " is not UTF-8 text; ONNX string tensors hold UTF-8 text");
      }
      binary.position(binary.position() + length);
    }
    if (binary.position() != end) {
      throw bad(
          "input '"
              + name
              + "': binary_data_size "
              + size
              + " leaves "
              + (end - binary.position())
              + " bytes after the last of its "
              + count
              + " BYTES elements");
    }
    return new TensorData("string", shape, values);
  }

  private static Buffer response(
      String name, Resolved r, JsonNode request, Prediction p, RoutingContext ctx)
      throws IOException {
    boolean allBinary = request.path("parameters").path("binary_data_output").asBoolean(false);
    Map<String, Boolean> wanted = new LinkedHashMap<>();
    if (request.path("outputs").isArray()) {
      for (JsonNode o : request.get("outputs")) {
        String out = o.path("name").asText("");
        if (!p.outputs().containsKey(out)) {
          throw bad("the model has no output '" + out + "'; it returns " + p.outputs().keySet());
        }
        wanted.put(out, o.path("parameters").path("binary_data").asBoolean(allBinary));
      }
    } else {
      p.outputs().keySet().forEach(o -> wanted.put(o, allBinary));
    }
    // the JSON header is streamed into the answer's buffer and binary outputs follow it there: no
    // tree of the answer, no copies of the outputs beyond this one
    int binaryBytes = 0;
    Map<String, byte[]> strings = new HashMap<>();
    for (Map.Entry<String, Boolean> w : wanted.entrySet()) {
      if (w.getValue()) {
        TensorData t = p.outputs().get(w.getKey());
        if (t.data() instanceof String[]) {
          strings.put(w.getKey(), bytes(t));
        }
        binaryBytes +=
            t.data() instanceof String[]
                ? strings.get(w.getKey()).length
                : t.size() * elementBytes(t.type());
      }
    }
    StringBuilder h = new StringBuilder(256).append("{\"model_name\":");
    quote(h, name).append(",\"model_version\":\"").append(r.version()).append('"');
    if (request.has("id")) {
      quote(h.append(",\"id\":"), request.get("id").asText());
    }
    quote(h.append(",\"parameters\":{\"provider\":"), p.provider());
    quote(h.append(",\"provider_note\":"), p.providerNote());
    h.append(",\"session_ms\":").append(p.millis()).append("},\"outputs\":[");
    boolean first = true;
    for (Map.Entry<String, Boolean> w : wanted.entrySet()) {
      TensorData t = p.outputs().get(w.getKey());
      quote(h.append(first ? "{\"name\":" : ",{\"name\":"), w.getKey());
      first = false;
      h.append(",\"datatype\":\"").append(datatype(t.type())).append("\",\"shape\":[");
      for (int i = 0; i < t.shape().length; i++) {
        h.append(i == 0 ? "" : ",").append(t.shape()[i]);
      }
      h.append(']');
      if (w.getValue()) {
        h.append(",\"parameters\":{\"binary_data_size\":")
            .append(
                t.data() instanceof String[]
                    ? strings.get(w.getKey()).length
                    : t.size() * elementBytes(t.type()))
            .append('}');
      } else {
        h.append(",\"data\":")
            .append(
                Json.MAPPER.writeValueAsString(
                    TensorJson.toJson(new TensorData(t.type(), new long[] {t.size()}, t.data()))));
      }
      h.append('}');
    }
    h.append("]}");
    ByteBuf out = Unpooled.buffer(h.length() + 16 + binaryBytes);
    out.writeCharSequence(h, StandardCharsets.UTF_8);
    if (!wanted.containsValue(true)) {
      return BufferInternal.buffer(out);
    }
    ctx.put(HEADER_LENGTH, out.readableBytes());
    for (Map.Entry<String, Boolean> w : wanted.entrySet()) {
      if (w.getValue()) {
        TensorData t = p.outputs().get(w.getKey());
        if (t.data() instanceof String[]) {
          out.writeBytes(strings.get(w.getKey()));
        } else {
          int n = t.size() * elementBytes(t.type());
          out.ensureWritable(n);
          write(t, out.nioBuffer(out.writerIndex(), n).order(ByteOrder.LITTLE_ENDIAN));
          out.writerIndex(out.writerIndex() + n);
        }
      }
    }
    return BufferInternal.buffer(out);
  }

  /** Appends {@code text} as a JSON string. */
  static StringBuilder quote(StringBuilder into, String text) {
    into.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        into.append('\\').append(c);
      } else if (c < 0x20) {
        into.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        into.append(c);
      }
    }
    return into.append('"');
  }

  /** Writes a tensor's values little-endian into {@code b} (sized for them). */
  private static void write(TensorData t, ByteBuffer b) {
    Object d = t.data();
    if (d instanceof float[] a) b.asFloatBuffer().put(a);
    else if (d instanceof double[] a) b.asDoubleBuffer().put(a);
    else if (d instanceof long[] a) b.asLongBuffer().put(a);
    else if (d instanceof int[] a) b.asIntBuffer().put(a);
    else if (d instanceof short[] a) b.asShortBuffer().put(a);
    else if (d instanceof byte[] a) b.put(a);
    else {
      for (boolean v : (boolean[]) d) {
        b.put((byte) (v ? 1 : 0));
      }
    }
  }

  static byte[] bytes(TensorData t) {
    if (t.data() instanceof String[] strings) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String v : strings) {
        byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
        out.writeBytes(utf8);
      }
      return out.toByteArray();
    }
    ByteBuffer b =
        ByteBuffer.allocate(t.size() * elementBytes(t.type())).order(ByteOrder.LITTLE_ENDIAN);
    write(t, b);
    return b.array();
  }

  private void blocking(RoutingContext ctx, Callable<Buffer> work) {
    blocking(ctx, work, null);
  }

  /** Runs {@code work} on a worker and answers; {@code input} is released once the work is done. */
  private void blocking(RoutingContext ctx, Callable<Buffer> work, ByteBuf input) {
    workers
        .executeBlocking(work, false)
        .onComplete(
            (body, failure) -> {
              if (input != null) {
                input.release();
              }
              if (failure != null) {
                ctx.fail(failure);
                return;
              }
              Integer header = ctx.get(HEADER_LENGTH);
              var response = ctx.response().setStatusCode(200);
              if (header != null) {
                response
                    .putHeader(HEADER_LENGTH, String.valueOf(header))
                    .putHeader("Content-Type", "application/octet-stream");
              } else {
                response.putHeader("Content-Type", "application/json");
              }
              response.end(body);
            });
  }

  private static ApiException bad(String message) {
    return new ApiException(400, "bad_input", message);
  }

  private static void error(RoutingContext ctx, int status, String message) {
    if (!ctx.response().ended()) {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(Json.MAPPER.createObjectNode().put("error", message).toString());
    }
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure() == null ? null : ModelsApi.toApi(ctx.failure());
    if (t instanceof ApiException e) {
      error(ctx, e.status(), safe.clean(e.getMessage()));
    } else if (t instanceof SpecException e) {
      error(ctx, 400, safe.clean(e.getMessage()));
    } else if (ctx.statusCode() == 413) {
      error(ctx, 413, "the request body is larger than the limit");
    } else if (t == null && ctx.statusCode() > 0) {
      error(ctx, ctx.statusCode(), "request failed with status " + ctx.statusCode());
    } else {
      error(ctx, 500, "internal error; see the server log");
    }
  }
}
