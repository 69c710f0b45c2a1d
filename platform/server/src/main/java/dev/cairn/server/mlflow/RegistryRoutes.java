package dev.cairn.server.mlflow;

import dev.cairn.core.tracking.RunRecord;
import dev.cairn.server.http.MlflowPaths;
import dev.cairn.server.http.Principal;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * MLflow's model registry: registered models, their versions, tags, stages and aliases (the V9
 * tables). A version's {@code run_id} (given, or read from a {@code runs:/<run_id>/...} source) is
 * its lineage to the Cairn run that made it.
 */
public final class RegistryRoutes {
  static final int MAX_NAME = 256;
  static final int MAX_VALUE = 5000;
  private static final Pattern VERSION_ALIAS = Pattern.compile("[vV]\\d+");
  private static final List<String> STAGES = List.of("None", "Staging", "Production", "Archived");

  /** GET routes, relative to {@link MlflowRoutes#PREFIX}. */
  public static final List<String> READS = MlflowPaths.REGISTRY_READS;

  /** POST routes that only read. */
  public static final List<String> POST_READS = MlflowPaths.REGISTRY_POST_READS;

  public static final List<String> POST_WRITES = MlflowPaths.REGISTRY_POST_WRITES;
  public static final List<String> PATCH_WRITES = MlflowPaths.REGISTRY_PATCH_WRITES;
  public static final List<String> DELETE_WRITES = MlflowPaths.REGISTRY_DELETE_WRITES;

  private final MlflowRoutes routes;
  private final MlflowStore store;

  private RegistryRoutes(MlflowRoutes routes) {
    this.routes = routes;
    this.store = routes.store;
  }

  static void mount(Router router, MlflowRoutes routes) {
    RegistryRoutes r = new RegistryRoutes(routes);
    String p = MlflowRoutes.PREFIX + "/";
    Map<String, Handler<RoutingContext>> get = new LinkedHashMap<>();
    get.put("registered-models/get", r::getModel);
    get.put("registered-models/search", r::searchModels);
    get.put("registered-models/get-latest-versions", r::latestVersions);
    get.put("registered-models/alias", r::getByAlias);
    get.put("model-versions/get", r::getVersion);
    get.put("model-versions/search", r::searchVersions);
    get.put("model-versions/get-download-uri", r::downloadUri);
    get.forEach((path, h) -> router.get(p + path).handler(MlflowRoutes.guard(h)));
    router
        .post(p + "registered-models/get-latest-versions")
        .handler(MlflowRoutes.guard(r::latestVersions));
    router.post(p + "registered-models/create").handler(MlflowRoutes.guard(r::createModel));
    router.post(p + "registered-models/rename").handler(MlflowRoutes.guard(r::renameModel));
    router.post(p + "registered-models/set-tag").handler(MlflowRoutes.guard(r::setModelTag));
    router.post(p + "registered-models/alias").handler(MlflowRoutes.guard(r::setAlias));
    router.post(p + "model-versions/create").handler(MlflowRoutes.guard(r::createVersion));
    router.post(p + "model-versions/transition-stage").handler(MlflowRoutes.guard(r::transition));
    router.post(p + "model-versions/set-tag").handler(MlflowRoutes.guard(r::setVersionTag));
    router.patch(p + "registered-models/update").handler(MlflowRoutes.guard(r::updateModel));
    router.patch(p + "model-versions/update").handler(MlflowRoutes.guard(r::updateVersion));
    router.delete(p + "registered-models/delete").handler(MlflowRoutes.guard(r::deleteModel));
    router
        .delete(p + "registered-models/delete-tag")
        .handler(MlflowRoutes.guard(r::deleteModelTag));
    router.delete(p + "registered-models/alias").handler(MlflowRoutes.guard(r::deleteAlias));
    router.delete(p + "model-versions/delete").handler(MlflowRoutes.guard(r::deleteVersion));
    router.delete(p + "model-versions/delete-tag").handler(MlflowRoutes.guard(r::deleteVersionTag));
  }

  // ---- registered models

  private static String name(MlflowRequest req) {
    return req.bounded("name", MAX_NAME, true);
  }

  private MlflowStore.RegisteredModel model(String name) {
    return store
        .registeredModel(name)
        .orElseThrow(
            () -> MlflowException.missing("Registered Model with name=" + name + " not found"));
  }

  private JsonObject modelJson(MlflowStore.RegisteredModel m) {
    JsonArray latest = latestJson(m.name(), STAGES);
    JsonArray aliases = new JsonArray();
    m.aliases()
        .forEach(
            (alias, version) ->
                aliases.add(
                    new JsonObject()
                        .put("alias", alias)
                        .put("version", Integer.toString(version))));
    JsonObject out =
        new JsonObject()
            .put("name", m.name())
            .put("creation_timestamp", m.created())
            .put("last_updated_timestamp", m.updated())
            .put("user_id", m.owner())
            .put("latest_versions", latest)
            .put("tags", MlflowRoutes.keyValueArray(m.tags()))
            .put("aliases", aliases);
    if (m.description() != null) {
      out.put("description", m.description());
    }
    return out;
  }

  private void createModel(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String description = req.bounded("description", MAX_VALUE, false);
    Map<String, String> tags = MlflowRoutes.keyValues(req.objects("tags"), "tags", MAX_VALUE);
    String owner = Principal.of(ctx).owner();
    routes.answer(
        ctx,
        () -> {
          store.createRegisteredModel(name, description, tags, owner);
          return new JsonObject().put("registered_model", modelJson(model(name)));
        });
  }

  private void getModel(RoutingContext ctx) {
    String name = name(MlflowRequest.of(ctx));
    routes.answer(ctx, () -> new JsonObject().put("registered_model", modelJson(model(name))));
  }

  private void updateModel(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String description = req.bounded("description", MAX_VALUE, false);
    routes.answer(
        ctx,
        () -> {
          model(name);
          if (description != null) {
            store.updateRegisteredModel(name, description);
          }
          return new JsonObject().put("registered_model", modelJson(model(name)));
        });
  }

  private void renameModel(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String newName = req.bounded("new_name", MAX_NAME, true);
    routes.answer(
        ctx,
        () -> {
          model(name);
          if (!newName.equals(name)) {
            store.renameRegisteredModel(name, newName);
          }
          return new JsonObject().put("registered_model", modelJson(model(newName)));
        });
  }

  private void deleteModel(RoutingContext ctx) {
    String name = name(MlflowRequest.of(ctx));
    routes.answer(
        ctx,
        () -> {
          if (!store.deleteRegisteredModel(name)) {
            throw MlflowException.missing("Registered Model with name=" + name + " not found");
          }
          return new JsonObject();
        });
  }

  private void setModelTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String key = req.bounded("key", MlflowRoutes.MAX_KEY, true);
    String value = req.bounded("value", MAX_VALUE, false);
    routes.answer(
        ctx,
        () -> {
          model(name);
          store.setRegisteredModelTag(name, key, value == null ? "" : value);
          return new JsonObject();
        });
  }

  private void deleteModelTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String key = req.required("key");
    routes.answer(
        ctx,
        () -> {
          model(name);
          if (!store.deleteRegisteredModelTag(name, key)) {
            throw MlflowException.missing(
                "No tag with name: " + key + " in registered model " + name);
          }
          return new JsonObject();
        });
  }

  private void searchModels(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    int max = req.intValue("max_results", 100, 1, 1000);
    int offset = MlflowRoutes.offset(req.string("page_token"));
    List<Filters.Clause> clauses = Filters.parse(req.string("filter"));
    for (Filters.Clause c : clauses) {
      if (c.type().equals(Filters.TAG)
          || (c.type().equals(Filters.ATTRIBUTE) && c.key().equals("name"))) {
        Filters.check(c, false);
      } else {
        throw MlflowException.invalid(
            "Invalid filter on '" + c.key() + "': registered models are searched by name and tags");
      }
    }
    List<Filters.Order> orders =
        orders(req, List.of("name", "timestamp", "creation_timestamp", "last_updated_timestamp"));
    routes.answer(
        ctx,
        () -> {
          Predicate<MlflowStore.RegisteredModel> wanted =
              m ->
                  clauses.stream()
                      .allMatch(
                          c ->
                              Filters.matches(
                                  c,
                                  c.type().equals(Filters.TAG) ? m.tags().get(c.key()) : m.name()));
          Function<MlflowStore.RegisteredModel, Function<String, Object>> attr =
              m ->
                  key ->
                      switch (key) {
                        case "name" -> m.name();
                        case "last_updated_timestamp" -> (double) m.updated();
                        default -> (double) m.created();
                      };
          // The store scans by name, the default order: then the scan stops once the page is full.
          PageCollector<MlflowStore.RegisteredModel> page =
              new PageCollector<>(
                  wanted,
                  sorter(orders, attr, Comparator.comparing(MlflowStore.RegisteredModel::name)),
                  orders.isEmpty(),
                  offset,
                  max);
          store.scanRegisteredModels(page);
          return page.answer("registered_models", this::modelJson);
        });
  }

  private static List<Filters.Order> orders(MlflowRequest req, List<String> allowed) {
    List<Filters.Order> orders = Filters.orderBy(req.strings("order_by"));
    for (Filters.Order o : orders) {
      if (!o.type().equals(Filters.ATTRIBUTE) || !allowed.contains(o.key())) {
        throw MlflowException.invalid(
            "Invalid order_by key '" + o.key() + "'; allowed: " + allowed);
      }
    }
    return orders;
  }

  private static <T> Comparator<T> sorter(
      List<Filters.Order> orders, Function<T, Function<String, Object>> attr, Comparator<T> dflt) {
    Comparator<T> cmp = null;
    for (Filters.Order o : orders) {
      Comparator<T> next = MlflowRoutes.nullsLast(t -> attr.apply(t).apply(o.key()), o.ascending());
      cmp = cmp == null ? next : cmp.thenComparing(next);
    }
    return cmp == null ? dflt : cmp.thenComparing(dflt);
  }

  private void latestVersions(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    List<String> stages = new ArrayList<>();
    for (String s : req.strings("stages")) {
      stages.add(stage(s));
    }
    routes.answer(
        ctx,
        () -> {
          model(name);
          return new JsonObject()
              .put("model_versions", latestJson(name, stages.isEmpty() ? STAGES : stages));
        });
  }

  /** The newest version of the model in each of {@code stages} that has one, in that order. */
  private JsonArray latestJson(String name, List<String> stages) {
    Map<String, MlflowStore.ModelVersion> byStage = new HashMap<>();
    for (MlflowStore.ModelVersion v : store.latestVersions(name)) {
      byStage.put(v.stage(), v);
    }
    JsonArray out = new JsonArray();
    for (String stage : stages) {
      MlflowStore.ModelVersion v = byStage.get(stage);
      if (v != null) {
        out.add(versionJson(v));
      }
    }
    return out;
  }

  // ---- aliases

  private static String alias(MlflowRequest req) {
    String alias = req.bounded("alias", MAX_NAME, true);
    if (alias.equalsIgnoreCase("latest") || VERSION_ALIAS.matcher(alias).matches()) {
      throw MlflowException.invalid(
          "Invalid alias name '"
              + alias
              + "': 'latest' and version-like names (v1, V2, ...)"
              + " are reserved");
    }
    return alias;
  }

  private void setAlias(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String alias = alias(req);
    int version = version(req);
    routes.answer(
        ctx,
        () -> {
          version(name, version);
          store.setAlias(name, alias, version);
          return new JsonObject();
        });
  }

  private void deleteAlias(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String alias = req.required("alias");
    routes.answer(
        ctx,
        () -> {
          model(name);
          if (!store.deleteAlias(name, alias)) {
            throw MlflowException.missing("Registered model alias " + alias + " not found.");
          }
          return new JsonObject();
        });
  }

  private void getByAlias(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String alias = req.required("alias");
    routes.answer(
        ctx,
        () -> {
          Integer version = model(name).aliases().get(alias);
          if (version == null) {
            throw MlflowException.missing("Registered model alias " + alias + " not found.");
          }
          return new JsonObject().put("model_version", versionJson(version(name, version)));
        });
  }

  // ---- model versions

  private static int version(MlflowRequest req) {
    String raw = req.required("version");
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < 1) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw MlflowException.invalid(
          "Invalid value '" + raw + "' for parameter 'version': a version is an integer >= 1");
    }
  }

  private MlflowStore.ModelVersion version(String name, int version) {
    model(name);
    return store
        .modelVersion(name, version)
        .orElseThrow(
            () ->
                MlflowException.missing(
                    "Model Version (name=" + name + ", version=" + version + ") not found"));
  }

  private static JsonObject versionJson(MlflowStore.ModelVersion v) {
    JsonObject out =
        new JsonObject()
            .put("name", v.name())
            .put("version", Integer.toString(v.version()))
            .put("creation_timestamp", v.created())
            .put("last_updated_timestamp", v.updated())
            .put("current_stage", v.stage())
            .put("source", v.source())
            .put("status", v.status())
            .put("tags", MlflowRoutes.keyValueArray(v.tags()))
            .put("aliases", new JsonArray(new ArrayList<>(v.aliases())));
    if (v.description() != null) {
      out.put("description", v.description());
    }
    if (v.runId() != null) {
      out.put("run_id", v.runId());
    }
    if (v.runLink() != null) {
      out.put("run_link", v.runLink());
    }
    return out;
  }

  private void createVersion(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    String source = req.bounded("source", 4096, true);
    String runId = req.bounded("run_id", 32, false);
    String runLink = req.bounded("run_link", 4096, false);
    String description = req.bounded("description", MAX_VALUE, false);
    Map<String, String> tags = MlflowRoutes.keyValues(req.objects("tags"), "tags", MAX_VALUE);
    if ((runId == null || runId.isEmpty()) && source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      runId = slash < 0 ? rest : rest.substring(0, slash);
    }
    String lineage = runId == null || runId.isEmpty() ? null : runId;
    routes.answer(
        ctx,
        () -> {
          model(name);
          if (lineage != null) {
            RunRecord run = routes.platform.store().getRun(lineage).orElse(null);
            if (run == null) {
              throw MlflowException.invalid(
                  "Invalid value '" + lineage + "' for parameter 'run_id': no run with this id");
            }
          }
          int version = store.createModelVersion(name, source, lineage, runLink, description, tags);
          return new JsonObject().put("model_version", versionJson(version(name, version)));
        });
  }

  private void getVersion(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    int version = version(req);
    routes.answer(
        ctx, () -> new JsonObject().put("model_version", versionJson(version(name, version))));
  }

  private void updateVersion(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    int version = version(req);
    String description = req.bounded("description", MAX_VALUE, false);
    routes.answer(
        ctx,
        () -> {
          version(name, version);
          if (description != null) {
            store.updateModelVersion(name, version, description);
          }
          return new JsonObject().put("model_version", versionJson(version(name, version)));
        });
  }

  private static String stage(String raw) {
    for (String s : STAGES) {
      if (s.equalsIgnoreCase(raw.trim())) {
        return s;
      }
    }
    throw MlflowException.invalid(
        "Invalid Model Version stage: " + raw + ". Value must be one of " + STAGES + ".");
  }

  private void transition(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    int version = version(req);
    String stage = stage(req.required("stage"));
    boolean archive = req.bool("archive_existing_versions");
    routes.answer(
        ctx,
        () -> {
          version(name, version);
          store.transitionStage(name, version, stage, archive);
          return new JsonObject().put("model_version", versionJson(version(name, version)));
        });
  }

  private void deleteVersion(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    int version = version(req);
    routes.answer(
        ctx,
        () -> {
          version(name, version);
          store.deleteModelVersion(name, version);
          return new JsonObject();
        });
  }

  private void setVersionTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    int version = version(req);
    String key = req.bounded("key", MlflowRoutes.MAX_KEY, true);
    String value = req.bounded("value", MAX_VALUE, false);
    routes.answer(
        ctx,
        () -> {
          version(name, version);
          store.setModelVersionTag(name, version, key, value == null ? "" : value);
          return new JsonObject();
        });
  }

  private void deleteVersionTag(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    int version = version(req);
    String key = req.required("key");
    routes.answer(
        ctx,
        () -> {
          version(name, version);
          if (!store.deleteModelVersionTag(name, version, key)) {
            throw MlflowException.missing(
                "No tag with name: " + key + " in model version " + name + "/" + version);
          }
          return new JsonObject();
        });
  }

  private void downloadUri(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    String name = name(req);
    int version = version(req);
    routes.answer(
        ctx,
        () -> {
          MlflowStore.ModelVersion v = version(name, version);
          String uri = v.source();
          if (uri != null && uri.startsWith("runs:/") && v.runId() != null) {
            RunRecord run = routes.platform.store().getRun(v.runId()).orElse(null);
            if (run != null) {
              String experimentId =
                  store
                      .experimentByName(run.experiment())
                      .map(e -> Long.toString(e.id()))
                      .orElse("0");
              String path = uri.substring(("runs:/" + v.runId()).length());
              uri = "mlflow-artifacts:/" + experimentId + "/" + v.runId() + "/artifacts" + path;
            }
          }
          return new JsonObject().put("artifact_uri", uri);
        });
  }

  private void searchVersions(RoutingContext ctx) {
    MlflowRequest req = MlflowRequest.of(ctx);
    int max = req.intValue("max_results", 10_000, 1, 200_000);
    int offset = MlflowRoutes.offset(req.string("page_token"));
    List<Filters.Clause> clauses = Filters.parse(req.string("filter"));
    for (Filters.Clause c : clauses) {
      if (c.type().equals(Filters.TAG)) {
        Filters.check(c, false);
      } else if (c.type().equals(Filters.ATTRIBUTE)
          && List.of("name", "run_id", "source_path", "source").contains(c.key())) {
        Filters.check(c, false);
      } else if (c.type().equals(Filters.ATTRIBUTE) && c.key().equals("version_number")) {
        Filters.check(c, true);
      } else {
        throw MlflowException.invalid(
            "Invalid filter on '"
                + c.key()
                + "': model versions are searched by name, run_id,"
                + " source_path, version_number and tags");
      }
    }
    List<Filters.Order> orders =
        orders(
            req,
            List.of(
                "name",
                "version_number",
                "creation_timestamp",
                "timestamp",
                "last_updated_timestamp"));
    routes.answer(
        ctx,
        () -> {
          Function<MlflowStore.ModelVersion, Function<String, Object>> attr =
              v ->
                  key ->
                      switch (key) {
                        case "name" -> v.name();
                        case "run_id" -> v.runId();
                        case "source_path", "source" -> v.source();
                        case "version_number" -> (double) v.version();
                        case "last_updated_timestamp" -> (double) v.updated();
                        default -> (double) v.created();
                      };
          Predicate<MlflowStore.ModelVersion> wanted =
              v ->
                  clauses.stream()
                      .allMatch(
                          c ->
                              Filters.matches(
                                  c,
                                  c.type().equals(Filters.TAG)
                                      ? v.tags().get(c.key())
                                      : attr.apply(v).apply(c.key())));
          // The store scans by name and newest version first, the default order: then the scan
          // stops once the page is full.
          PageCollector<MlflowStore.ModelVersion> page =
              new PageCollector<>(
                  wanted,
                  sorter(
                      orders,
                      attr,
                      Comparator.comparing(MlflowStore.ModelVersion::name)
                          .thenComparing(
                              Comparator.comparingInt(MlflowStore.ModelVersion::version)
                                  .reversed())),
                  orders.isEmpty(),
                  offset,
                  max);
          store.scanModelVersions(page);
          return page.answer("model_versions", RegistryRoutes::versionJson);
        });
  }
}
