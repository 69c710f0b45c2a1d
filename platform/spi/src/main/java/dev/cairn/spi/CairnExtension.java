package dev.cairn.spi;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * What every Cairn extension has: an id that specs refer to, a one-line description, and the
 * parameters it accepts. Ids are lower-case words joined by dashes ({@code softmax-regression}).
 */
public interface CairnExtension extends ExtensionPoint {

  /** The id a spec uses to pick this extension, e.g. {@code mlp}. */
  String id();

  /** One line for {@code cairn plugins}. */
  String description();

  /** Parameters accepted in the spec section of this extension; empty when none. */
  List<ParamSpec> params();
}
