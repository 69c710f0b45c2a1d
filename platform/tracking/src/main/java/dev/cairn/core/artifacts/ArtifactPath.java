package dev.cairn.core.artifacts;

/**
 * The rules for an artifact's path inside its run: relative, {@code /}-separated, at most {@link
 * #MAX_LENGTH} characters, each segment 1..{@link #MAX_SEGMENT} characters and neither {@code .}
 * nor {@code ..}, no backslash and no control character (NUL, CR, LF, ...). A path that breaks one
 * gets an {@link IllegalArgumentException} naming the rule.
 */
public final class ArtifactPath {
  public static final int MAX_LENGTH = 1024;
  public static final int MAX_SEGMENT = 255;

  private ArtifactPath() {}

  /** Returns {@code path} when it follows the rules; throws naming the rule it breaks. */
  public static String check(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException(
          "artifact path is empty; give a relative path such as plots/loss.png");
    }
    if (path.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "artifact path is " + path.length() + " characters; at most " + MAX_LENGTH);
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            "artifact path contains a control character (U+"
                + String.format("%04X", (int) c)
                + "); NUL, CR, LF and other control characters are not allowed");
      }
      if (c == '\\') {
        throw new IllegalArgumentException(
            "artifact path contains a backslash; separate folders with '/'");
      }
    }
    if (path.startsWith("/")) {
      throw new IllegalArgumentException(
          "artifact path '" + path + "' is absolute; give a path relative to the run");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException(
            "artifact path '" + path + "' has an empty segment ('//' or a trailing '/')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "artifact path '"
                + path
                + "' has a '"
                + segment
                + "' segment; '.' and '..' are not allowed");
      }
      if (segment.length() > MAX_SEGMENT) {
        throw new IllegalArgumentException(
            "artifact path has a segment of "
                + segment.length()
                + " characters; at most "
                + MAX_SEGMENT);
      }
    }
    return path;
  }

  /**
   * A folder prefix for listing: empty or null means the run's root; otherwise checked like a path.
   */
  public static String checkFolder(String folder) {
    if (folder == null) {
      return "";
    }
    String f = folder;
    while (f.endsWith("/")) {
      f = f.substring(0, f.length() - 1);
    }
    return f.isEmpty() ? "" : check(f);
  }
}
