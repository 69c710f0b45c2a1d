package dev.cairn.core.security;

import java.util.Locale;

/** What a token may do; each scope includes the ones before it. */
public enum Scope {
  READ,
  WRITE,
  ADMIN;

  /** True when a token of this scope may do what {@code needed} guards. */
  public boolean covers(Scope needed) {
    return compareTo(needed) >= 0;
  }

  /** The lower-case name used on the command line, in JSON and in the database. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code read}, {@code write} or {@code admin}; the error names the allowed values. */
  public static Scope parse(String raw) {
    if (raw != null) {
      for (Scope s : values()) {
        if (s.id().equalsIgnoreCase(raw.trim())) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException(
        "scope '" + raw + "' is not allowed; one of: read, write, admin");
  }
}
