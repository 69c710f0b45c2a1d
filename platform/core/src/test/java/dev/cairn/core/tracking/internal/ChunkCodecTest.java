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
}
