package dev.cairn.server.sweep;

import ai.djl.engine.Engine;
import java.net.InetAddress;

/** What a training node advertises: its host name, CPU cores and the GPUs DJL sees. */
public record NodeResources(String host, int cores, int gpus) {
  public static NodeResources detect() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    int gpus;
    try {
      gpus = Engine.getEngine("PyTorch").getGpuCount();
    } catch (RuntimeException | Error e) {
      gpus = 0;
    }
    return new NodeResources(host, Runtime.getRuntime().availableProcessors(), gpus);
  }
}
