package dev.vigil.scan.model;

import dev.vigil.scan.detect.InjectionPhrases;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The learned prompt-injection/jailbreak classifier: multinomial logistic regression (benign,
 * injection, jailbreak) over {@link HashedFeatures}, plus decision thresholds calibrated on held-out
 * benign text. Long texts are scored in overlapping windows and the most suspicious window wins, so
 * an instruction hidden inside a long email is not diluted. Immutable and thread-safe once loaded.
 *
 * <p>Binary format (big-endian, {@code DataOutputStream}): magic {@code "VIGILINJ"}, version, bucket
 * bits, min/max n, phrase weight scale, thresholds (agent, tool-result, critical, as logits), a
 * description string, biases, then per class a float scale and {@code buckets} int16 weights.
 */
public final class InjectionModel {

  public static final int BENIGN = 0;
  public static final int INJECTION = 1;
  public static final int JAILBREAK = 2;
  public static final int CLASSES = 3;

  private static final long MAGIC = 0x564947494C494E4AL; // "VIGILINJ"
  private static final int VERSION = 1;
  private static final int WINDOW = 400;
  private static final int STEP = 200;

  /** The decision for one text: probabilities of the best window and the combined attack logit. */
  public record Verdict(
      double injectionProbability, double jailbreakProbability, double attackLogit, int windowStart, int windowEnd) {

    public double attackProbability() {
      return 1.0 / (1.0 + Math.exp(-attackLogit));
    }

    public boolean jailbreakMoreLikely() {
      return jailbreakProbability > injectionProbability;
    }
  }

  /** Decision thresholds, as logits of the combined attack score. */
  public record Thresholds(double agent, double toolResult, double critical) {}

  private final HashedFeatures features;
  private final float[][] weights;
  private final float[] bias;
  private final double phraseScale;
  private final Thresholds thresholds;
  private final String description;

  public InjectionModel(
      HashedFeatures features, float[][] weights, float[] bias, double phraseScale, Thresholds thresholds, String description) {
    this.features = Objects.requireNonNull(features);
    if (weights.length != CLASSES || bias.length != CLASSES) {
      throw new IllegalArgumentException("expected " + CLASSES + " classes");
    }
    for (float[] row : weights) {
      if (row.length != features.buckets()) {
        throw new IllegalArgumentException("weight row has " + row.length + " buckets, features have " + features.buckets());
      }
    }
    this.weights = weights;
    this.bias = bias;
    this.phraseScale = phraseScale;
    this.thresholds = Objects.requireNonNull(thresholds);
    this.description = description == null ? "" : description;
  }

  public HashedFeatures features() {
    return features;
  }

  public Thresholds thresholds() {
    return thresholds;
  }

  public double phraseScale() {
    return phraseScale;
  }

  public String description() {
    return description;
  }

  public InjectionModel withThresholds(Thresholds newThresholds) {
    return new InjectionModel(features, weights, bias, phraseScale, newThresholds, description);
  }

  public InjectionModel withDescription(String newDescription) {
    return new InjectionModel(features, weights, bias, phraseScale, thresholds, newDescription);
  }

  public InjectionModel withPhraseScale(double scale) {
    return new InjectionModel(features, weights, bias, scale, thresholds, description);
  }

  /** Class probabilities of one feature vector. */
  public double[] probabilities(HashedFeatures.Vector x) {
    return probabilities(weights, bias, x);
  }

  /** Class probabilities under raw weights; the trainer uses it between updates. */
  public static double[] probabilities(float[][] weights, float[] bias, HashedFeatures.Vector x) {
    double[] z = new double[CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      double sum = bias[c];
      float[] row = weights[c];
      int[] idx = x.indices();
      float[] val = x.values();
      for (int k = 0; k < idx.length; k++) {
        sum += row[idx[k]] * val[k];
      }
      z[c] = sum;
    }
    return softmax(z);
  }

  /** Scores {@code text}, adding {@code phraseScale} times the trigger-phrase weight to the model's logit. */
  public Verdict classify(String text, InjectionPhrases.Signals signals) {
    int length = text.length();
    double bestLogit = Double.NEGATIVE_INFINITY;
    double[] bestP = null;
    int bestStart = 0;
    int bestEnd = length;
    HashedFeatures.PhraseHits hits = features.phraseHits(text);
    if (length <= WINDOW + STEP) {
      bestP = probabilities(features.featurize(text, 0, length, hits));
      bestLogit = attackLogit(bestP);
    } else {
      for (int start = 0; start < length; start += STEP) {
        int end = Math.min(length, start + WINDOW);
        double[] p = probabilities(features.featurize(text, start, end, hits));
        double logit = attackLogit(p);
        if (logit > bestLogit) {
          bestLogit = logit;
          bestP = p;
          bestStart = start;
          bestEnd = end;
        }
        if (end == length) {
          break;
        }
      }
    }
    double phraseBoost = phraseScale * signals.total();
    double jailbreakBoost = phraseScale * (signals.jailbreakWeight() - signals.injectionWeight());
    double pInjection = bestP[INJECTION];
    double pJailbreak = bestP[JAILBREAK] * Math.exp(Math.max(-5, Math.min(5, jailbreakBoost)));
    return new Verdict(pInjection, pJailbreak, bestLogit + phraseBoost, bestStart, bestEnd);
  }

  static double attackLogit(double[] p) {
    double attack = Math.max(1e-9, p[INJECTION] + p[JAILBREAK]);
    double benign = Math.max(1e-9, p[BENIGN]);
    return Math.log(attack / benign);
  }

  static double[] softmax(double[] z) {
    double max = Math.max(z[0], Math.max(z[1], z[2]));
    double[] p = new double[z.length];
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Loads the model shipped in the jar at {@code dev/vigil/scan/injection-model.bin}. */
  public static InjectionModel loadDefault() {
    String resource = "/dev/vigil/scan/injection-model.bin";
    try (InputStream in = InjectionModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("model resource missing from classpath: " + resource);
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  public static InjectionModel read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    }
  }

  public static InjectionModel read(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw));
    if (in.readLong() != MAGIC) {
      throw new IOException("not a Vigil injection model (bad magic)");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unsupported model version " + version);
    }
    int bucketBits = in.readInt();
    int minN = in.readInt();
    int maxN = in.readInt();
    double phraseScale = in.readDouble();
    Thresholds thresholds = new Thresholds(in.readDouble(), in.readDouble(), in.readDouble());
    String description = in.readUTF();
    HashedFeatures features = new HashedFeatures(bucketBits, minN, maxN, new InjectionPhrases());
    float[] bias = new float[CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      bias[c] = in.readFloat();
    }
    float[][] weights = new float[CLASSES][features.buckets()];
    for (int c = 0; c < CLASSES; c++) {
      float scale = in.readFloat();
      float[] row = weights[c];
      for (int i = 0; i < row.length; i++) {
        row[i] = in.readShort() * scale / Short.MAX_VALUE;
      }
    }
    return new InjectionModel(features, weights, bias, phraseScale, thresholds, description);
  }

  /** Writes the model with weights quantised to int16 per class (relative error below 1e-4 of the largest weight). */
  public void write(OutputStream raw) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(features.bucketBits());
    out.writeInt(features.minN());
    out.writeInt(features.maxN());
    out.writeDouble(phraseScale);
    out.writeDouble(thresholds.agent());
    out.writeDouble(thresholds.toolResult());
    out.writeDouble(thresholds.critical());
    out.writeUTF(description.length() > 8000 ? description.substring(0, 8000) : description);
    for (float b : bias) {
      out.writeFloat(b);
    }
    for (float[] row : weights) {
      float max = 1e-12f;
      for (float w : row) {
        max = Math.max(max, Math.abs(w));
      }
      out.writeFloat(max);
      for (float w : row) {
        out.writeShort(Math.round(w / max * Short.MAX_VALUE));
      }
    }
    out.flush();
  }

  public void write(Path path) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(path)) {
      write(out);
    }
  }
}
