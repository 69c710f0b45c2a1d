package dev.cairn.core.tracking.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Provenance is stored as one JSON object of strings, keys sorted. */
public final class ProvenanceJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> TYPE = new TypeReference<>() {};

  private ProvenanceJson() {}

  public static String write(Map<String, String> provenance) {
    try {
      return MAPPER.writeValueAsString(new TreeMap<>(provenance));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Provenance cannot be written as JSON", e);
    }
  }

  public static Map<String, String> read(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return Collections.unmodifiableMap(MAPPER.readValue(json, TYPE));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored provenance is not a JSON object of strings", e);
    }
  }
}
