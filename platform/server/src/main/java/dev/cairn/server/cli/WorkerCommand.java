package dev.cairn.server.cli;

import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.server.CairnOptions;
import dev.cairn.server.cluster.ClusterOptions;
import dev.cairn.server.cluster.WorkerNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn worker --cluster --join host:port}: a training node of a head's sweeps. */
@Command(
    name = "worker",
    description =
        "Join a head (cairn serve --cluster) and train the sweep trials it assigns, until stopped.")
final class WorkerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--cluster",
      description =
          "Join over the clustered event bus (the only mode; kept for symmetry with serve).")
  boolean cluster;

  @Option(
      names = "--join",
      required = true,
      split = ",",
      paramLabel = "HOST:PORT",
      description =
          "The head's cluster address (its --cluster-host and --cluster-port), e.g. 127.0.0.1:5701.")
  List<String> join;

  @Mixin ClusterSecretOption clusterSecret;

  @Option(
      names = "--cluster-host",
      defaultValue = "127.0.0.1",
      description = "Interface this node binds and advertises (default ${DEFAULT-VALUE}).")
  String clusterHost;

  @Option(
      names = "--cluster-port",
      defaultValue = "5702",
      description =
          "First port to try for this node's cluster member (default ${DEFAULT-VALUE}; the next free one is taken).")
  int clusterPort;

  @Option(
      names = "--slots",
      defaultValue = "1",
      description = "Trials trained at once (default ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--head-timeout",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description =
          "Silence of the head after which this node stops its trials and rejoins (default ${DEFAULT-VALUE} s).")
  int headTimeout;

  @Mixin ThreadsOption threads;

  @Option(
      names = "--torch-threads",
      defaultValue = "0",
      hidden = true,
      description = "Former name of --threads (0 = not given).")
  int torchThreads;

  @Option(
      names = "--parent-pid",
      hidden = true,
      description = "Exit when this process ends (local workers of cairn sweep).")
  Long parentPid;

  @Override
  public Integer call() throws Exception {
    try {
      join.forEach(ClusterOptions::hostPort);
    } catch (IllegalArgumentException e) {
      System.err.println("error: --join: " + e.getMessage());
      return CairnCli.USAGE;
    }
    if (slots < 1 || headTimeout < 1) {
      System.err.println("error: --slots and --head-timeout must be at least 1");
      return CairnCli.USAGE;
    }
    if (threads.threads == null && torchThreads > 0) {
      threads.threads = torchThreads;
    }
    if (!threads.apply()) {
      return CairnCli.USAGE;
    }
    ClusterOptions clusterOptions = clusterSecret.options(clusterHost, clusterPort, join);
    if (clusterOptions == null) {
      return CairnCli.USAGE;
    }
    CairnOptions options = common.resolve();
    PluginRegistry plugins = PluginRegistry.load(options.pluginsDir(), Provenance.cairnVersion());
    WorkerNode node =
        new WorkerNode(
            options, new WorkerNode.Settings(clusterOptions, slots, headTimeout * 1000L), plugins);
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              node.close();
              try {
                main.join(30_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "cairn-worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (parentPid != null) {
      ProcessHandle.of(parentPid)
          .ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    }
    System.err.printf(
        "worker %s: %d cores, %d GPUs, %d slot(s); joining %s%n",
        node.workerId(),
        node.resources().cores(),
        node.resources().gpus(),
        slots,
        String.join(",", join));
    try {
      node.run(
          () -> {
            System.err.printf(
                "worker %s joined the cluster at %s%n", node.workerId(), String.join(",", join));
            System.err.flush();
          });
    } catch (ClusterOptions.NotAdmittedException e) {
      System.err.println("error: worker " + node.workerId() + ": " + e.getMessage());
      return 1;
    } finally {
      plugins.close();
    }
    return 0;
  }
}
