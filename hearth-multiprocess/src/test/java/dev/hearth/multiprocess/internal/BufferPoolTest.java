package dev.hearth.multiprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BufferPoolTest {
  @Test
  void roundsSizesUpSoThatSimilarFilesShareABuffer() {
    assertThat(BufferPool.roundUp(1)).isEqualTo(1 << 16);
    assertThat(BufferPool.roundUp(1 << 15)).isEqualTo(1 << 16);
    assertThat(BufferPool.roundUp(60_000)).isEqualTo(2 << 16); // 67,500 with an eighth more
    assertThat(BufferPool.roundUp(266_000)).isEqualTo(5 << 16); // 299,250
    assertThat(BufferPool.roundUp(1 << 20)).isEqualTo(18 << 16);
    assertThat(BufferPool.roundUp(Integer.MAX_VALUE - 100)).isEqualTo(Integer.MAX_VALUE - 8);
  }

  @Test
  void givesBackLargeEnoughArraysAndNeverOneTwice() {
    byte[] big = BufferPool.take(300_000);
    assertThat(big.length).isGreaterThanOrEqualTo(300_000);
    BufferPool.give(big);
    byte[] again = BufferPool.take(200_000);
    byte[] other = BufferPool.take(200_000);
    assertThat(other).isNotSameAs(again); // taken arrays leave the pool
    BufferPool.give(again);
    BufferPool.give(other);
    byte[] tooBig = new byte[BufferPool.MAX_POOLED + 1];
    BufferPool.give(tooBig);
    byte[] huge = BufferPool.take(BufferPool.MAX_POOLED + 1);
    assertThat(huge).isNotSameAs(tooBig);
  }

  @Test
  void directBuffersAreLittleEndianClearedAndReused() {
    java.nio.ByteBuffer b = BufferPool.takeDirect(100_000);
    assertThat(b.isDirect()).isTrue();
    assertThat(b.order()).isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.position(10).limit(20);
    BufferPool.give(b);
    java.nio.ByteBuffer again = BufferPool.takeDirect(50_000);
    assertThat(again.position()).isZero();
    assertThat(again.limit()).isEqualTo(again.capacity()).isGreaterThanOrEqualTo(50_000);
    BufferPool.give(again);
  }
}
