package dev.vigil.scan.embed;

import dev.vigil.scan.model.InjectionModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The trained classifier on top of a sentence embedding: standardisation, then either multinomial
 * logistic regression or one ReLU hidden layer, over the classes benign / injection / jailbreak
 * ({@link InjectionModel#BENIGN} ...). Its attack logit {@code ln(P(inj) + P(jb)) - ln(P(benign))} is
 * compared with thresholds calibrated on held-out benign lines, like {@link InjectionModel}'s.
 * Immutable and thread-safe.
 *
 * <p>Binary format (big-endian, {@code DataOutputStream}): magic {@code "VIGILEMB"}, version, input
 * dimension, hidden units (0 = linear), thresholds (agent, tool-result, critical), description,
 * means, inverse standard deviations, then (hidden layer only) {@code hidden x dim} weights and
 * {@code hidden} biases, then {@code 3 x (hidden or dim)} output weights and 3 biases, all float32.
 */
public final class EmbeddingHead {

  private static final long MAGIC = 0x564947494C454D42L; // "VIGILEMB"
  private static final int VERSION = 1;

  private final float[] mean;
  private final float[] invStd;
  private final float[][] hiddenWeights;
  private final float[] hiddenBias;
  private final float[][] outputWeights;
  private final float[] outputBias;
  private final InjectionModel.Thresholds thresholds;
  private final String description;

  /** {@code hiddenWeights} is {@code float[0][]} for a linear head. */
  public EmbeddingHead(float[] mean, float[] invStd, float[][] hiddenWeights, float[] hiddenBias, float[][] outputWeights,
      float[] outputBias, InjectionModel.Thresholds thresholds, String description) {
    int dim = mean.length;
    int hidden = hiddenWeights.length;
    if (invStd.length != dim || hiddenBias.length != hidden || outputWeights.length != InjectionModel.CLASSES
        || outputBias.length != InjectionModel.CLASSES) {
      throw new IllegalArgumentException("inconsistent head shapes");
    }
    for (float[] row : hiddenWeights) {
      if (row.length != dim) {
        throw new IllegalArgumentException("hidden row has " + row.length + " inputs, expected " + dim);
      }
    }
    for (float[] row : outputWeights) {
      if (row.length != (hidden == 0 ? dim : hidden)) {
        throw new IllegalArgumentException("output row has " + row.length + " inputs");
      }
    }
    this.mean = mean;
    this.invStd = invStd;
    this.hiddenWeights = hiddenWeights;
    this.hiddenBias = hiddenBias;
    this.outputWeights = outputWeights;
    this.outputBias = outputBias;
    this.thresholds = Objects.requireNonNull(thresholds);
    this.description = description == null ? "" : description;
  }

  public int dimension() {
    return mean.length;
  }

  public int hiddenUnits() {
    return hiddenWeights.length;
  }

  public InjectionModel.Thresholds thresholds() {
    return thresholds;
  }

  public String description() {
    return description;
  }

  public EmbeddingHead withThresholds(InjectionModel.Thresholds t) {
    return new EmbeddingHead(mean, invStd, hiddenWeights, hiddenBias, outputWeights, outputBias, t, description);
  }

  public EmbeddingHead withDescription(String d) {
    return new EmbeddingHead(mean, invStd, hiddenWeights, hiddenBias, outputWeights, outputBias, thresholds, d);
  }

  /** Class probabilities (benign, injection, jailbreak) for one input vector. */
  public double[] probabilities(float[] input) {
    if (input.length != mean.length) {
      throw new IllegalArgumentException("input has " + input.length + " dimensions, head expects " + mean.length);
    }
    double[] x = new double[input.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (input[i] - mean[i]) * invStd[i];
    }
    if (hiddenWeights.length > 0) {
      double[] h = new double[hiddenWeights.length];
      for (int j = 0; j < h.length; j++) {
        double z = hiddenBias[j];
        float[] row = hiddenWeights[j];
        for (int i = 0; i < x.length; i++) {
          z += row[i] * x[i];
        }
        h[j] = Math.max(0.0, z);
      }
      x = h;
    }
    double[] logits = new double[InjectionModel.CLASSES];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < logits.length; c++) {
      double z = outputBias[c];
      float[] row = outputWeights[c];
      for (int i = 0; i < x.length; i++) {
        z += row[i] * x[i];
      }
      logits[c] = z;
      max = Math.max(max, z);
    }
    double sum = 0;
    for (int c = 0; c < logits.length; c++) {
      logits[c] = Math.exp(logits[c] - max);
      sum += logits[c];
    }
    for (int c = 0; c < logits.length; c++) {
      logits[c] /= sum;
    }
    return logits;
  }

  /** {@code ln(P(injection) + P(jailbreak)) - ln(P(benign))}, clamped away from infinities. */
  public static double attackLogit(double[] p) {
    double attack = Math.max(p[InjectionModel.INJECTION] + p[InjectionModel.JAILBREAK], 1e-12);
    double benign = Math.max(p[InjectionModel.BENIGN], 1e-12);
    return Math.log(attack) - Math.log(benign);
  }

  public static EmbeddingHead read(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw));
    if (in.readLong() != MAGIC) {
      throw new IOException("not an embedding head file");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unsupported embedding head version " + version);
    }
    int dim = in.readInt();
    int hidden = in.readInt();
    InjectionModel.Thresholds thresholds = new InjectionModel.Thresholds(in.readDouble(), in.readDouble(), in.readDouble());
    String description = in.readUTF();
    float[] mean = readFloats(in, dim);
    float[] invStd = readFloats(in, dim);
    float[][] hiddenWeights = new float[hidden][];
    for (int j = 0; j < hidden; j++) {
      hiddenWeights[j] = readFloats(in, dim);
    }
    float[] hiddenBias = readFloats(in, hidden);
    float[][] outputWeights = new float[InjectionModel.CLASSES][];
    for (int c = 0; c < InjectionModel.CLASSES; c++) {
      outputWeights[c] = readFloats(in, hidden == 0 ? dim : hidden);
    }
    float[] outputBias = readFloats(in, InjectionModel.CLASSES);
    return new EmbeddingHead(mean, invStd, hiddenWeights, hiddenBias, outputWeights, outputBias, thresholds, description);
  }

  public void write(Path path) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    try (OutputStream raw = Files.newOutputStream(path)) {
      write(raw);
    }
  }

  public void write(OutputStream raw) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(mean.length);
    out.writeInt(hiddenWeights.length);
    out.writeDouble(thresholds.agent());
    out.writeDouble(thresholds.toolResult());
    out.writeDouble(thresholds.critical());
    out.writeUTF(description.length() > 8000 ? description.substring(0, 8000) : description);
    writeFloats(out, mean);
    writeFloats(out, invStd);
    for (float[] row : hiddenWeights) {
      writeFloats(out, row);
    }
    writeFloats(out, hiddenBias);
    for (float[] row : outputWeights) {
      writeFloats(out, row);
    }
    writeFloats(out, outputBias);
    out.flush();
  }

  private static float[] readFloats(DataInputStream in, int n) throws IOException {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    for (float f : v) {
      out.writeFloat(f);
    }
  }
}
