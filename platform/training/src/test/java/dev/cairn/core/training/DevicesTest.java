package dev.cairn.core.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** Where the dataset lives: on the GPU when it fits, else (and on CPU-only machines) on the CPU. */
class DevicesTest {
  @Test
  void theDatasetGoesToTheGpuOnlyWhenTwiceItFitsInFreeMemory() {
    assertThat(Devices.fitsOnDevice(1_000, 2_000)).isTrue();
    assertThat(Devices.fitsOnDevice(1_001, 2_000)).isFalse();
    assertThat(Devices.fitsOnDevice(1, 0)).as("memory unknown").isFalse();
  }

  @Test
  void onTheCpuTheDataStaysOnTheCpu() {
    assertThat(Devices.dataDevice(Device.cpu(), Long.MAX_VALUE)).isEqualTo(Device.cpu());
  }

  @Test
  void aGpuThatCannotBeQueriedFallsBackToTheCpu() {
    // the GPU path asks CUDA for free memory; where there is no usable GPU (this CPU-only build and
    // CI) it keeps the data on the CPU instead of failing, and DJL copies each batch to the device
    if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
      assertThat(Devices.dataDevice(Device.gpu(0), 1_000)).isEqualTo(Device.cpu());
    } else {
      assertThat(Devices.dataDevice(Device.gpu(0), 1_000)).isEqualTo(Device.gpu(0));
    }
  }
}
