package dev.cairn.core.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
  @Test
  void roundTripsExtremeLongsAndEveryDoubleBit() {
    Random random = new Random(7);
    int n = OpenChunk.CAPACITY;
    long[] steps = new long[n];
    long[] walls = new long[n];
    double[] values = new double[n];
    long step = Long.MIN_VALUE + 1;
    for (int i = 0; i < n; i++) {
      step += 1 + (i % 3 == 0 ? random.nextInt(1 << 20) : 0);
      steps[i] = step;
      walls[i] = i % 2 == 0 ? Long.MAX_VALUE - i : Long.MIN_VALUE + i;
      values[i] = Double.longBitsToDouble(random.nextLong());
    }

    long[] steps2 = new long[n + 3];
    long[] walls2 = new long[n + 3];
    double[] values2 = new double[n + 3];
    assertThat(ChunkCodec.decodeLongs(ChunkCodec.encodeSteps(steps, n), steps2, 3)).isEqualTo(n);
    assertThat(ChunkCodec.decodeLongs(ChunkCodec.encodeWallTimes(walls, n), walls2, 3))
        .isEqualTo(n);
    assertThat(ChunkCodec.decodeValues(ChunkCodec.encodeValues(values, n), values2, 3))
        .isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(steps2[i + 3]).isEqualTo(steps[i]);
      assertThat(walls2[i + 3]).isEqualTo(walls[i]);
      assertThat(Double.doubleToRawLongBits(values2[i + 3]))
          .isEqualTo(Double.doubleToRawLongBits(values[i]));
    }
  }

  @Test
  void aStepCounterCostsAboutOneBytePerPoint() {
    long[] steps = new long[1024];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = 1000 + i;
    }
    assertThat(ChunkCodec.encodeSteps(steps, steps.length).length).isLessThan(1024 + 8);
  }

  @Test
  void theStoredFormatStaysReadable() {
    // bytes as version 1 of the codec writes them: rows already stored must keep decoding
    byte[] steps = {1, 3, 10, 1, 2};
    byte[] wallTimes = {2, 2, (byte) 0xd0, 0x0f, 0x13};
    byte[] values = {3, 1, 0, 0, 0, 0, 0, 0, (byte) 0xf8, 0x3f};

    long[] decodedSteps = new long[3];
    long[] decodedWallTimes = new long[2];
    double[] decodedValues = new double[1];
    assertThat(ChunkCodec.decodeLongs(steps, decodedSteps, 0)).isEqualTo(3);
    assertThat(decodedSteps).containsExactly(5, 6, 8);
    assertThat(ChunkCodec.decodeLongs(wallTimes, decodedWallTimes, 0)).isEqualTo(2);
    assertThat(decodedWallTimes).containsExactly(1000, 990);
    assertThat(ChunkCodec.decodeValues(values, decodedValues, 0)).isEqualTo(1);
    assertThat(decodedValues).containsExactly(1.5);

    assertThat(ChunkCodec.encodeSteps(new long[] {5, 6, 8}, 3)).isEqualTo(steps);
    assertThat(ChunkCodec.encodeWallTimes(new long[] {1000, 990}, 2)).isEqualTo(wallTimes);
    assertThat(ChunkCodec.encodeValues(new double[] {1.5}, 1)).isEqualTo(values);
  }
}
