package dev.cairn.plugins.datasets;

import dev.cairn.spi.SpecException;
import java.net.URI;

/** Checks a {@code url} parameter: an http(s) base URL, ending in a slash. */
final class Urls {
  private Urls() {}

  static URI base(String url) {
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url : url + "/");
    } catch (IllegalArgumentException e) {
      throw new SpecException("dataset.url", "'" + url + "' is not a valid URL: " + e.getMessage());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new SpecException(
          "dataset.url", "'" + url + "' is not allowed; expected an http:// or https:// URL");
    }
    return uri;
  }
}
