package dev.cairn.server.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A usage error in one line (two at most) instead of the command's whole usage: the problem, a
 * did-you-mean for a mistyped command or option, and where to read more.
 */
final class UsageErrors implements IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String word = u.getUnmatched().get(0);
      if (!word.startsWith("-") && cmd.getParent() == null && !cmd.getSubcommands().isEmpty()) {
        List<String> commands = new ArrayList<>(cmd.getSubcommands().keySet());
        String close = closest(word, commands);
        err.printf(
            "error: '%s' is not a cairn command%s; commands: %s%n",
            word,
            close == null ? "" : " (did you mean '" + close + "'?)",
            String.join(", ", commands));
      } else {
        List<String> options = new ArrayList<>();
        cmd.getCommandSpec().options().forEach(o -> options.addAll(List.of(o.names())));
        String close = word.startsWith("-") ? closest(word.split("=", 2)[0], options) : null;
        err.printf(
            "error: %s: unknown %s '%s'%s; see '%s --help'%n",
            name,
            word.startsWith("-") ? "option" : "argument",
            word,
            close == null ? "" : " (did you mean '" + close + "'?)",
            name);
      }
    } else {
      err.printf("error: %s: %s; see '%s --help'%n", name, e.getMessage(), name);
    }
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * The candidate nearest to {@code word} by edit distance, when it is near enough to be a typo.
   */
  static String closest(String word, List<String> candidates) {
    String w = word.toLowerCase(Locale.ROOT);
    return candidates.stream()
        .min(Comparator.comparingInt(c -> distance(w, c.toLowerCase(Locale.ROOT))))
        .filter(
            c ->
                distance(w, c.toLowerCase(Locale.ROOT)) <= Math.max(1, Math.min(3, c.length() / 3)))
        .orElse(null);
  }

  /** Optimal string alignment distance: an adjacent swap ("rnu" for "run") counts as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
