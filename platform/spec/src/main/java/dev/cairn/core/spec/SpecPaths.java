package dev.cairn.core.spec;

import dev.cairn.spi.CairnExtension;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.ParamType;
import dev.cairn.spi.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The folders a spec submitted to a server may read: every {@link ParamType#PATH} parameter must
 * lie under one of the roots (symbolic links followed), and {@code training.fineTune.from} must
 * name a run, not a path. The error is the same whether or not the path exists, so a client learns
 * nothing about the server's files outside the roots. The CLI trains local specs without roots.
 */
public final class SpecPaths {
  private final List<Path> roots;
  private final String hint;

  /**
   * @param roots the allowed folders (made absolute and normalised)
   * @param hint how an operator adds a root, appended to errors (e.g. "serve --data-root DIR")
   */
  public SpecPaths(List<Path> roots, String hint) {
    this.roots = roots.stream().map(SpecPaths::canonical).distinct().toList();
    this.hint = hint;
  }

  public List<Path> roots() {
    return roots;
  }

  /**
   * @throws SpecException naming the first field that reads outside the roots
   */
  public void check(ResolvedSpec resolved) {
    check("dataset", resolved.dataset());
    check("model", resolved.model());
    check("optimizer", resolved.optimizer());
    check("loss", resolved.loss());
    TrainingOptions.FineTune ft = resolved.spec().training().fineTune();
    if (ft != null && !ft.from().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,254}")) {
      throw new SpecException(
          "training.fineTune.from",
          "'"
              + ft.from()
              + "' is not allowed on a server;"
              + " name a run by its id or name (letters, digits, '.', '_', '-'), not a path");
    }
  }

  private <T extends CairnExtension> void check(String section, ResolvedSpec.Resolved<T> resolved) {
    for (ParamSpec p : resolved.provider().params()) {
      if (p.type() != ParamType.PATH || !resolved.params().asMap().containsKey(p.name())) {
        continue;
      }
      Object value = resolved.params().asMap().get(p.name());
      String text = value == null ? "" : value.toString();
      if (!text.isBlank()) {
        checkPath(section + "." + p.name(), text);
      }
    }
  }

  /**
   * A path a client names for the server to read (a spec parameter, a log directory to import).
   *
   * @throws SpecException naming {@code field} when {@code text} lies outside the roots; the same
   *     whether or not the path exists
   */
  public void checkPath(String field, String text) {
    if (!allowed(text)) {
      throw new SpecException(
          field,
          "'"
              + text
              + "' is not allowed on this server;"
              + " paths must lie under "
              + roots.stream().map(Path::toString).collect(Collectors.joining(", "))
              + (hint == null ? "" : " (" + hint + ")"));
    }
  }

  /** Whether {@code text} (absolute, or relative to the working directory) lies under a root. */
  boolean allowed(String text) {
    Path path;
    try {
      path = canonical(Path.of(text));
    } catch (InvalidPathException e) {
      return false;
    }
    return roots.stream().anyMatch(path::startsWith);
  }

  /** Absolute and normalised; with symbolic links resolved for the part that exists. */
  private static Path canonical(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
    } catch (IOException e) {
      return abs;
    }
  }
}
