package dev.cairn.core.plugins;

/**
 * A plugin or extension that could not be loaded; the rest still load.
 *
 * @param pluginId plugin id, or the jar's file name when its descriptor could not be read
 * @param what what failed, e.g. the extension class
 * @param reason the error, one line
 */
public record PluginProblem(String pluginId, String what, String reason) {
  @Override
  public String toString() {
    return "plugin '" + pluginId + "': " + what + ": " + reason;
  }
}
