package dev.vigil.scan.embed.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.scan.embed.Embedder;
import dev.vigil.scan.embed.SentenceEncoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

  private final AtomicInteger calls = new AtomicInteger();
  private final Embedder counting = text -> {
    calls.incrementAndGet();
    float[] v = new float[SentenceEncoder.DIMENSION];
    v[0] = text.length();
    v[1] = text.hashCode();
    return v;
  };

  @Test
  void aReopenedCacheServesStoredVectorsWithoutTheEncoder(@TempDir Path dir) {
    Path file = dir.resolve("cache.bin");
    try (EmbeddingCache cache = new EmbeddingCache(counting, file)) {
      cache.embed("first");
      cache.embed("zweite Zeile, ü");
      cache.embed("first");
    }
    assertEquals(2, calls.get());
    try (EmbeddingCache cache = new EmbeddingCache(counting, file)) {
      assertEquals(2, cache.size());
      assertArrayEquals(counting.embed("zweite Zeile, ü"), cache.embed("zweite Zeile, ü"));
      assertEquals(0, cache.computed());
    }
  }

  @Test
  void aTornLastRecordIsCutOffSoLaterAppendsStayReadable(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("cache.bin");
    try (EmbeddingCache cache = new EmbeddingCache(counting, file)) {
      cache.embed("kept");
      cache.embed("torn");
    }
    long size = Files.size(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size - 100);
    }
    try (EmbeddingCache cache = new EmbeddingCache(counting, file)) {
      assertEquals(1, cache.size());
      cache.embed("after");
    }
    try (EmbeddingCache cache = new EmbeddingCache(counting, file)) {
      assertEquals(2, cache.size());
      assertEquals(0, cache.computed());
      assertArrayEquals(counting.embed("after"), cache.embed("after"));
    }
  }
}
