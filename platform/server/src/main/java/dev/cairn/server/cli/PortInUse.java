package dev.cairn.server.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A command that could not bind its HTTP port ends with one line naming the port and a free one to
 * try, not the BindException's stack trace; every other exception is rethrown as before.
 */
final class PortInUse implements IExecutionExceptionHandler {
  static final int EXIT = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed)
      throws Exception {
    if (!isBindFailure(e)) {
      throw e;
    }
    // cmd is the subcommand that failed; its options hold the parsed values, defaults included
    OptionSpec portOption = cmd.getCommandSpec().findOption("--port");
    OptionSpec hostOption = cmd.getCommandSpec().findOption("--host");
    Integer port = portOption == null ? null : portOption.getValue();
    String host = hostOption == null ? "127.0.0.1" : hostOption.getValue();
    cmd.getErr()
        .println(
            port == null
                ? "error: a port is in use: " + e.getMessage()
                : "error: port " + port + " is in use; try --port " + freePortAfter(host, port));
    cmd.getErr().flush();
    return EXIT;
  }

  static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** The first port above {@code port} that {@code host} can bind now, or 0 (any free port). */
  static int freePortAfter(String host, int port) {
    for (int p = port + 1; p > 0 && p <= 65535 && p <= port + 50; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName(host))) {
        return p;
      } catch (IOException taken) {
        // try the next one
      }
    }
    return 0;
  }
}
