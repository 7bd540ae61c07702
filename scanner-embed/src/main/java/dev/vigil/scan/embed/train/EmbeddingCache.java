package dev.vigil.scan.embed.train;

import dev.vigil.scan.embed.Embedder;
import dev.vigil.scan.embed.SentenceEncoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Training-time cache of sentence embeddings keyed by exact text, appended to a file (e.g.
 * {@code scanner-embed/target/embeddings-all-minilm-l6-v2-q.bin}) so reruns of the trainer and the
 * evaluation skip the encoder. Record: int byte length, UTF-8 text, {@link SentenceEncoder#DIMENSION}
 * floats. Not thread-safe; training is single-threaded.
 */
public final class EmbeddingCache implements Embedder, AutoCloseable {

  private final Embedder encoder;
  private final Map<String, float[]> vectors = new HashMap<>();
  private final DataOutputStream appender;
  private int computed;

  public EmbeddingCache(Embedder encoder, Path file) {
    this.encoder = encoder;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (Files.exists(file)) {
        readAll(file);
      }
      appender = new DataOutputStream(new BufferedOutputStream(
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)));
    } catch (IOException e) {
      throw new UncheckedIOException("embedding cache " + file, e);
    }
  }

  /** Reads every complete record and cuts a torn last one (from a run that died mid-write) off the file. */
  private void readAll(Path file) throws IOException {
    long complete = 0;
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          break;
        }
        byte[] bytes = new byte[length];
        float[] v = new float[SentenceEncoder.DIMENSION];
        try {
          in.readFully(bytes);
          for (int i = 0; i < v.length; i++) {
            v[i] = in.readFloat();
          }
        } catch (EOFException torn) {
          break;
        }
        vectors.put(new String(bytes, StandardCharsets.UTF_8), v);
        complete += 4 + length + 4L * v.length;
      }
    }
    if (Files.size(file) > complete) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(complete);
      }
    }
  }

  @Override
  public float[] embed(String text) {
    float[] cached = vectors.get(text);
    if (cached != null) {
      return cached;
    }
    float[] v = encoder.embed(text);
    vectors.put(text, v);
    computed++;
    try {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      appender.writeInt(bytes.length);
      appender.write(bytes);
      for (float f : v) {
        appender.writeFloat(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the embedding cache", e);
    }
    return v;
  }

  public int size() {
    return vectors.size();
  }

  /** Embeddings computed (not served from the file) since this cache was opened. */
  public int computed() {
    return computed;
  }

  @Override
  public void close() {
    try {
      appender.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the embedding cache", e);
    }
  }
}
