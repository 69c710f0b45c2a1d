package dev.cairn.core.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.cairn.core.spec.DeviceChoice;
import dev.cairn.spi.SpecException;

/** Maps a spec's device choice to a DJL device without touching a GPU that is not there. */
public final class Devices {
  private Devices() {}

  public static Device resolve(DeviceChoice choice, Engine engine) {
    LibtorchCheck.checkOnce(engine.getVersion());
    int gpus = engine.getGpuCount();
    switch (choice) {
      case CPU:
        return Device.cpu();
      case GPU:
        if (gpus == 0) {
          throw new SpecException("device", "'gpu' is not available: " + engine.getEngineName() + " "
              + engine.getVersion() + " sees no GPU (CPU natives, or no CUDA driver); use auto or cpu");
        }
        return Device.gpu(0);
      default:
        return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
  }

  /** Short label stored with the run: {@code cpu} or {@code gpu:0}. */
  public static String label(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }
}
