package dev.cairn.server.cli;

import dev.cairn.core.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Entry point of the {@code cairn} command. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = CairnCli.Version.class,
    description = "Train models from plugin-based specs and track every run.",
    subcommands = {
      RunCommand.class,
      ResumeCommand.class,
      RunsCommand.class,
      PluginsCommand.class,
      ServeCommand.class,
      SweepCommand.class,
      WorkerCommand.class,
      TokenCommand.class,
      AuditCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      PredictCommand.class,
      EvaluateCommand.class,
      ImportTbCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CairnCli {
  /** Exit code of a spec or usage error. */
  static final int USAGE = 2;

  public static void main(String[] args) {
    quietLogging();
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The {@code cairn} command line: every subcommand takes {@code -h/--help} (checked before its
   * required parameters), a usage error is one line with a did-you-mean instead of the whole usage,
   * and a port already in use says so.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CairnCli()).setCaseInsensitiveEnumValuesAllowed(true);
    addHelpOptions(cli);
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setExecutionExceptionHandler(new PortInUse());
    return cli;
  }

  /**
   * Gives every subcommand (also ones added later) a {@code -h, --help} usage-help option, and one
   * description paragraph: the command list shows only a description's first line, which cut
   * multi-line ones off mid-sentence.
   */
  private static void addHelpOptions(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      String[] description = spec.usageMessage().description();
      if (description.length > 1) {
        spec.usageMessage().description(String.join(" ", description));
      }
      if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
        spec.addOption(
            OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
      }
      addHelpOptions(sub);
    }
  }

  private static void quietLogging() {
    String level = System.getenv().getOrDefault("CAIRN_LOG_LEVEL", "warn");
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", level));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    // DJL probes for CUDA on every start and warns when there is none: expected on CPU machines
    System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    // PF4J logs every broken plugin jar with a full stack trace (about 170 lines for one jar) on
    // every command; Cairn's own one-line problem list says the same. Traces only when debugging.
    if (!level.equalsIgnoreCase("debug") && !level.equalsIgnoreCase("trace")) {
      System.setProperty("org.slf4j.simpleLogger.log.org.pf4j", "off");
    }
    System.setProperty(
        "vertx.logger-delegate-factory-class-name",
        "io.vertx.core.logging.SLF4JLogDelegateFactory");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn " + Provenance.cairnVersion()};
    }
  }
}
