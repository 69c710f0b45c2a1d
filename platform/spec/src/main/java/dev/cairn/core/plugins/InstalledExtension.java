package dev.cairn.core.plugins;

import dev.cairn.spi.CairnExtension;

/**
 * An extension that loaded, with the plugin that brought it.
 *
 * @param pluginId PF4J plugin id, or {@code system} for extensions on the application class path
 * @param pluginVersion plugin version, or Cairn's version for system extensions
 */
public record InstalledExtension(
    ExtensionKind kind, CairnExtension extension, String pluginId, String pluginVersion) {
  public String id() {
    return extension.id();
  }
}
