package dev.vigil.scan.model;

import dev.vigil.scan.detect.InjectionPhrases;
import java.util.Arrays;

/**
 * Turns text into a sparse, L2-normalised vector of hashed features: character n-grams (2..4 in the shipped model) of
 * the lower-cased, whitespace-collapsed text, word unigrams and bigrams, and the ids of injection
 * trigger phrases found. Values are {@code 1 + ln(count)}. The same code runs in training and at
 * scan time, so the shipped weights and the scanner cannot drift apart.
 */
public final class HashedFeatures {

  /** A sparse vector: distinct bucket indices (in no particular order) and their values. */
  public record Vector(int[] indices, float[] values) {
    public int size() {
      return indices.length;
    }
  }

  private static final int FNV_PRIME = 16777619;
  private static final int SEED_CHAR = 0x811C9DC5;
  private static final int SEED_WORD = 0x2F1B3C4D;
  private static final int SEED_PHRASE = 0x5BD1E995;

  private final int bucketBits;
  private final int mask;
  private final int minN;
  private final int maxN;
  private final InjectionPhrases phrases;

  public HashedFeatures(int bucketBits, int minN, int maxN, InjectionPhrases phrases) {
    if (bucketBits < 10 || bucketBits > 24) {
      throw new IllegalArgumentException("bucketBits must be in [10, 24]: " + bucketBits);
    }
    this.bucketBits = bucketBits;
    this.mask = (1 << bucketBits) - 1;
    this.minN = minN;
    this.maxN = maxN;
    this.phrases = phrases;
  }

  public int bucketBits() {
    return bucketBits;
  }

  public int buckets() {
    return 1 << bucketBits;
  }

  public int minN() {
    return minN;
  }

  public int maxN() {
    return maxN;
  }

  public Vector featurize(String text) {
    return featurize(text, 0, text.length());
  }

  /** Features of {@code text[from, to)}, matching trigger phrases in that range. */
  public Vector featurize(String text, int from, int to) {
    return featurize(text, from, to, phraseHits(text));
  }

  /** Trigger-phrase hits of a whole text, found once and shared by all of its windows. */
  public record PhraseHits(int[] ids, int[] starts, int[] ends, int count) {
    static final PhraseHits NONE = new PhraseHits(new int[0], new int[0], new int[0], 0);
  }

  public PhraseHits phraseHits(String text) {
    if (phrases == null) {
      return PhraseHits.NONE;
    }
    int[][] buffers = {new int[16], new int[16], new int[16]};
    int[] count = {0};
    phrases.forEachHit(text, (id, s, e) -> {
      if (count[0] == buffers[0].length) {
        for (int b = 0; b < 3; b++) {
          buffers[b] = Arrays.copyOf(buffers[b], count[0] * 2);
        }
      }
      buffers[0][count[0]] = id;
      buffers[1][count[0]] = s;
      buffers[2][count[0]] = e;
      count[0]++;
    });
    return new PhraseHits(buffers[0], buffers[1], buffers[2], count[0]);
  }

  /** Features of {@code text[from, to)} using phrase hits already found in the whole text. */
  public Vector featurize(String text, int from, int to, PhraseHits hits) {
    char[] norm = normalize(text, from, to);
    int n = norm.length;
    CountTable table = new CountTable(n * (maxN - minN + 1) + 2 * n + hits.count() + 16);
    for (int len = minN; len <= maxN; len++) {
      for (int i = 0; i + len <= n; i++) {
        int h = SEED_CHAR ^ len;
        for (int k = 0; k < len; k++) {
          h = (h ^ norm[i + k]) * FNV_PRIME;
        }
        table.add(mix(h) & mask);
      }
    }
    int previousWord = 0;
    int wordStart = -1;
    for (int i = 0; i <= n; i++) {
      boolean wordChar = i < n && Character.isLetterOrDigit(norm[i]);
      if (wordChar && wordStart < 0) {
        wordStart = i;
      } else if (!wordChar && wordStart >= 0) {
        int h = SEED_WORD;
        for (int k = wordStart; k < i; k++) {
          h = (h ^ norm[k]) * FNV_PRIME;
        }
        table.add(mix(h) & mask);
        if (previousWord != 0) {
          table.add(mix(previousWord * 31 + h + 0x9E3779B9) & mask);
        }
        previousWord = h;
        wordStart = -1;
      }
    }
    for (int k = 0; k < hits.count(); k++) {
      if (hits.starts()[k] >= from && hits.ends()[k] <= to) {
        table.add(mix(SEED_PHRASE + hits.ids()[k] * FNV_PRIME) & mask);
      }
    }
    return table.toVector();
  }

  /** Open-addressing counts of bucket indices: cheaper than sorting every hashed feature. */
  private static final class CountTable {
    private final int[] keys;
    private final int[] counts;
    private final int slotMask;
    private int size;

    CountTable(int expected) {
      int capacity = Integer.highestOneBit(Math.max(16, expected)) << 2;
      keys = new int[capacity];
      counts = new int[capacity];
      slotMask = capacity - 1;
    }

    void add(int bucket) {
      int slot = ((bucket * 0x9E3779B9) >>> 7) & slotMask;
      while (true) {
        if (counts[slot] == 0) {
          keys[slot] = bucket;
          counts[slot] = 1;
          size++;
          return;
        }
        if (keys[slot] == bucket) {
          counts[slot]++;
          return;
        }
        slot = (slot + 1) & slotMask;
      }
    }

    Vector toVector() {
      int[] indices = new int[size];
      float[] values = new float[size];
      double norm = 0;
      int j = 0;
      for (int slot = 0; slot < keys.length; slot++) {
        if (counts[slot] > 0) {
          indices[j] = keys[slot];
          float v = (float) (1.0 + Math.log(counts[slot]));
          values[j++] = v;
          norm += v * v;
        }
      }
      if (norm > 0) {
        float inv = (float) (1.0 / Math.sqrt(norm));
        for (int i = 0; i < values.length; i++) {
          values[i] *= inv;
        }
      }
      return new Vector(indices, values);
    }
  }

  /** Lower-case, whitespace runs to one space, padded with a space on both sides for edge n-grams. */
  static char[] normalize(String text, int from, int to) {
    char[] out = new char[to - from + 2];
    int n = 0;
    out[n++] = ' ';
    boolean space = true;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        if (!space) {
          out[n++] = ' ';
          space = true;
        }
      } else {
        out[n++] = Character.toLowerCase(c);
        space = false;
      }
    }
    if (!space) {
      out[n++] = ' ';
    }
    return Arrays.copyOf(out, n);
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h;
  }
}
