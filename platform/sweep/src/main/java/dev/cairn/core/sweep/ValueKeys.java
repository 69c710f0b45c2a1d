package dev.cairn.core.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON forms of sampled values: how trial params are stored and compared. */
public final class ValueKeys {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ValueKeys() {}

  /**
   * A value's JSON text: 0.1 -> {@code 0.1}, [64, 32] -> {@code [64,32]}, relu -> {@code "relu"}.
   */
  public static String key(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON value: " + value, e);
    }
  }

  /** Params as a JSON object, in order. */
  public static String toJson(Map<String, Object> params) {
    return key(params);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> fromJson(String json) {
    try {
      return JSON.readValue(json, LinkedHashMap.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("trial params are not a JSON object: " + json, e);
    }
  }
}
