package dev.cairn.core.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One plugin choice of a spec: the plugin id and the raw values of its parameters (validated later
 * against the plugin's {@link dev.cairn.spi.ParamSpec}s).
 */
public record ComponentSpec(String plugin, Map<String, Object> params) {
  public ComponentSpec {
    Objects.requireNonNull(plugin, "plugin");
    params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }
}
