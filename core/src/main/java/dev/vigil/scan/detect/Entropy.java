package dev.vigil.scan.detect;

/** Shannon entropy (bits per char) of a text range, the signal behind "high-entropy string" secrets and blobs. */
public final class Entropy {

  private Entropy() {}

  public static double shannon(CharSequence text, int start, int end) {
    int length = end - start;
    if (length <= 0) {
      return 0.0;
    }
    // 128 ASCII buckets plus one for everything else; candidate tokens are ASCII by construction.
    int[] counts = new int[129];
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      counts[c < 128 ? c : 128]++;
    }
    double entropy = 0.0;
    for (int count : counts) {
      if (count > 0) {
        double p = (double) count / length;
        entropy -= p * (Math.log(p) / Math.log(2));
      }
    }
    return entropy;
  }

  public static double shannon(CharSequence text) {
    return shannon(text, 0, text.length());
  }
}
