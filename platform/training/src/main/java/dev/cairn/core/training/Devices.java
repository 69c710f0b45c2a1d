package dev.cairn.core.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.cairn.core.spec.DeviceChoice;
import dev.cairn.spi.SpecException;
import java.lang.management.MemoryUsage;

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
          throw new SpecException(
              "device",
              "'gpu' is not available: "
                  + engine.getEngineName()
                  + " "
                  + engine.getVersion()
                  + " sees no GPU (CPU natives, or no CUDA driver); use auto or cpu");
        }
        return Device.gpu(0);
      default:
        return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
  }

  /**
   * Where a run keeps its dataset arrays: on the training device when that is the CPU, or when the
   * splits take at most half of the GPU's free memory (the rest is for the model, its activations
   * and the batches gathered from the splits); otherwise on the CPU, and DJL copies each batch to
   * the GPU.
   */
  static Device dataDevice(Device device, long datasetBytes) {
    if (!device.isGpu()) {
      return device;
    }
    long free;
    try {
      MemoryUsage usage = CudaUtils.getGpuMemory(device);
      free = usage.getMax() - usage.getUsed();
    } catch (RuntimeException e) {
      return Device.cpu(); // memory unknown: keep the data where it surely fits
    }
    return fitsOnDevice(datasetBytes, free) ? device : Device.cpu();
  }

  /** The dataset's bytes (its splits) within half of the free memory. */
  static boolean fitsOnDevice(long datasetBytes, long freeBytes) {
    return freeBytes > 0 && datasetBytes <= freeBytes / 2;
  }

  /** Short label stored with the run: {@code cpu} or {@code gpu:0}. */
  public static String label(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }
}
