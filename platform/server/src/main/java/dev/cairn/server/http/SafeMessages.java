package dev.cairn.server.http;

import dev.cairn.server.CairnOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Error text as a client may see it: the server's own folders (data directory, plugins folder,
 * working directory, home) become short names, Java type names and parser internals ("[Source:
 * ...]") are dropped, control characters become spaces. The operator's log keeps the full text.
 */
final class SafeMessages {
  private static final Pattern JAVA_TYPE =
      Pattern.compile(
          "`?\\b(?:java|javax|jdk|sun|com|org|io|ai|dev|net)(?:\\.[a-z_][A-Za-z0-9_]*)+\\.[A-Z][A-Za-z0-9_$]*`?(?::\\s*)?");
  private static final Pattern SOURCE =
      Pattern.compile("\\s*at \\[Source: .*?; line: (\\d+), column: (\\d+)\\]", Pattern.DOTALL);
  private static final Pattern THROWABLE =
      Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b:?\\s*");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\n]]");
  private static final int MAX_LENGTH = 2000;

  private final List<String[]> folders = new ArrayList<>();

  SafeMessages(CairnOptions options) {
    add(options.dataDir(), "<data-dir>");
    if (options.pluginsDir() != null) {
      add(options.pluginsDir(), "<plugins-dir>");
    }
    add(Path.of("").toAbsolutePath(), "<server-dir>");
    String home = System.getProperty("user.home");
    if (home != null && home.length() > 1) {
      add(Path.of(home), "~");
    }
  }

  private void add(Path folder, String name) {
    folders.add(new String[] {folder.toAbsolutePath().normalize().toString(), name});
    try {
      String real = folder.toRealPath().toString();
      folders.add(new String[] {real, name});
    } catch (IOException | RuntimeException e) {
      // not there (yet): the normalized path is enough
    }
  }

  String clean(String message) {
    if (message == null) {
      return "request failed";
    }
    String m = message.replaceFirst("^Failed to decode:\\s*", "");
    m = SOURCE.matcher(m).replaceAll(" (line $1, column $2)");
    m = JAVA_TYPE.matcher(m).replaceAll("");
    m = THROWABLE.matcher(m).replaceAll("");
    // longest folders first, so the data directory wins over the working directory it lies in
    List<String[]> byLength = new ArrayList<>(folders);
    byLength.sort((a, b) -> b[0].length() - a[0].length());
    for (String[] f : byLength) {
      if (f[0].length() > 1) {
        m = m.replace(f[0], f[1]);
      }
    }
    m = CONTROL.matcher(m).replaceAll(" ").trim();
    return m.length() > MAX_LENGTH ? m.substring(0, MAX_LENGTH) + "..." : m;
  }
}
