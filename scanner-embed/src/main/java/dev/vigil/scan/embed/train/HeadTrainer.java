package dev.vigil.scan.embed.train;

import dev.vigil.scan.detect.InjectionPhrases;
import dev.vigil.scan.embed.Embedder;
import dev.vigil.scan.embed.EmbeddingClassifier;
import dev.vigil.scan.embed.EmbeddingHead;
import dev.vigil.scan.model.InjectionModel;
import dev.vigil.scan.train.DevSet;
import dev.vigil.scan.train.Example;
import dev.vigil.scan.train.SoftmaxTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Trains an {@link EmbeddingHead} on sentence embeddings with the same data policy as
 * {@link SoftmaxTrainer}: secret/PII lines count as benign, 20% of the benign lines (by a stable
 * hash of the text) are held out, classes are balanced so benign weighs as much as all attacks
 * (extra-corpus benign lines share {@code extraBenignShare} of that weight), and the thresholds are
 * set on the held-out lines (agent 2% FPR, tool result 5%), holding on the dev and the extra lines
 * separately. Optimiser: Adam, mini-batches of 64, L2 on the weights.
 */
public final class HeadTrainer {

  /** Training knobs; {@link #defaults()} is what the shipped head uses. */
  public record Settings(
      int hidden, int epochs, double learningRate, double l2, double phraseScale, long seed, double extraBenignShare, boolean sentenceMax) {

    public static Settings defaults() {
      return new Settings(0, 30, 1e-3, 1e-3, 0.6, 42L, 0.5, false);
    }

    /** Score each sentence too and keep the most suspicious ({@link EmbeddingClassifier}); training is unchanged. */
    public Settings withSentenceMax(boolean on) {
      return new Settings(hidden, epochs, learningRate, l2, phraseScale, seed, extraBenignShare, on);
    }

    public Settings withHidden(int h) {
      return new Settings(h, epochs, learningRate, l2, phraseScale, seed, extraBenignShare, sentenceMax);
    }

    public Settings withPhraseScale(double s) {
      return new Settings(hidden, epochs, learningRate, l2, s, seed, extraBenignShare, sentenceMax);
    }

    public Settings withL2(double v) {
      return new Settings(hidden, epochs, learningRate, v, phraseScale, seed, extraBenignShare, sentenceMax);
    }

    public Settings withExtraBenignShare(double v) {
      return new Settings(hidden, epochs, learningRate, l2, phraseScale, seed, v, sentenceMax);
    }
  }

  private static final SoftmaxTrainer.Settings POLICY = SoftmaxTrainer.Settings.defaults();
  private static final int BATCH = 64;

  private final Settings settings;

  public HeadTrainer(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Trains on {@code examples} minus the held-out benign slice, then calibrates on that slice. */
  public EmbeddingClassifier train(List<Example> examples, Embedder embedder, String description) {
    List<Example> fit = new ArrayList<>();
    List<Example> calibration = new ArrayList<>();
    List<Example> extraCalibration = new ArrayList<>();
    for (Example e : examples) {
      if (e.label().equals("benign") && DevSet.bucket(e.text()) < POLICY.calibrationPercent()) {
        (DevSet.isExtraBenign(e) ? extraCalibration : calibration).add(e);
      } else {
        fit.add(e);
      }
    }
    int n = fit.size();
    float[][] xs = new float[n][];
    int[] ys = new int[n];
    double[] weights = new double[n];
    int[] classCounts = new int[InjectionModel.CLASSES];
    int extraCount = 0;
    for (int i = 0; i < n; i++) {
      xs[i] = embedder.embed(fit.get(i).text());
      ys[i] = SoftmaxTrainer.classOf(fit.get(i));
      if (DevSet.isExtraBenign(fit.get(i))) {
        extraCount++;
      } else {
        classCounts[ys[i]]++;
      }
    }
    int attacks = classCounts[InjectionModel.INJECTION] + classCounts[InjectionModel.JAILBREAK];
    double share = extraCount == 0 ? 0.0 : settings.extraBenignShare();
    double benignWeight = (1.0 - share) * n / (2.0 * Math.max(1, classCounts[InjectionModel.BENIGN]));
    double attackWeight = n / (2.0 * Math.max(1, attacks));
    double extraWeight = share * n / (2.0 * Math.max(1, extraCount));
    for (int i = 0; i < n; i++) {
      weights[i] = DevSet.isExtraBenign(fit.get(i)) ? extraWeight : ys[i] == InjectionModel.BENIGN ? benignWeight : attackWeight;
    }
    EmbeddingHead head = fit(xs, ys, weights, description);
    EmbeddingClassifier uncalibrated = new EmbeddingClassifier(embedder, head, settings.phraseScale(), settings.sentenceMax());
    InjectionModel.Thresholds dev = thresholds(uncalibrated, calibration);
    InjectionModel.Thresholds t = extraCalibration.isEmpty() ? dev : max(dev, thresholds(uncalibrated, extraCalibration));
    return uncalibrated.withHead(head.withThresholds(t).withDescription(description + "; calibrated on " + calibration.size()
        + " held-out benign lines" + (extraCalibration.isEmpty() ? "" : " and " + extraCalibration.size() + " held-out extra benign lines")));
  }

  private static InjectionModel.Thresholds max(InjectionModel.Thresholds a, InjectionModel.Thresholds b) {
    return new InjectionModel.Thresholds(Math.max(a.agent(), b.agent()), Math.max(a.toolResult(), b.toolResult()),
        Math.max(a.critical(), b.critical()));
  }

  /** {@link SoftmaxTrainer}'s policy: agent at 2% FPR, tool result at 5% (never above agent), critical = agent + 2 logits. */
  public static InjectionModel.Thresholds thresholds(EmbeddingClassifier classifier, List<Example> benign) {
    InjectionPhrases phrases = new InjectionPhrases();
    return thresholds(benign, e -> classifier.classify(e.text(), phrases.signals(e.text())).attackLogit());
  }

  public static InjectionModel.Thresholds thresholds(List<Example> benign, ToDoubleFunction<Example> score) {
    double[] scores = benign.stream().mapToDouble(score).toArray();
    double agent = SoftmaxTrainer.thresholdFor(scores, POLICY.agentFpr());
    double toolResult = Math.min(agent, SoftmaxTrainer.thresholdFor(scores, POLICY.toolResultFpr()));
    double critical = Math.max(agent + 2.0, Math.log(0.97 / 0.03));
    return new InjectionModel.Thresholds(agent, toolResult, critical);
  }

  /** Standardises the inputs, then fits a linear or one-hidden-layer softmax head by weighted cross-entropy. */
  EmbeddingHead fit(float[][] xs, int[] ys, double[] sampleWeights, String description) {
    int n = xs.length;
    int dim = xs[0].length;
    float[] mean = new float[dim];
    float[] invStd = new float[dim];
    for (int d = 0; d < dim; d++) {
      double s = 0;
      double s2 = 0;
      for (float[] x : xs) {
        s += x[d];
        s2 += (double) x[d] * x[d];
      }
      double m = s / n;
      mean[d] = (float) m;
      invStd[d] = (float) (1.0 / Math.sqrt(Math.max(1e-8, s2 / n - m * m)));
    }
    double[][] z = new double[n][dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        z[i][d] = (xs[i][d] - mean[d]) * invStd[d];
      }
    }
    int hidden = settings.hidden();
    int inner = hidden == 0 ? dim : hidden;
    Random random = new Random(settings.seed());
    Param w1 = new Param(hidden * dim);
    Param b1 = new Param(hidden);
    Param w2 = new Param(InjectionModel.CLASSES * inner);
    Param b2 = new Param(InjectionModel.CLASSES);
    for (int k = 0; k < w1.v.length; k++) {
      w1.v[k] = random.nextGaussian() * Math.sqrt(2.0 / dim);
    }
    for (int k = 0; k < w2.v.length; k++) {
      w2.v[k] = random.nextGaussian() * Math.sqrt(1.0 / inner) * 0.1;
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    double[] h = new double[inner];
    double[] dh = new double[inner];
    double[] logits = new double[InjectionModel.CLASSES];
    int step = 0;
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      java.util.Collections.shuffle(Arrays.asList(order), random);
      for (int startIdx = 0; startIdx < n; startIdx += BATCH) {
        int end = Math.min(n, startIdx + BATCH);
        w1.zeroGrad();
        b1.zeroGrad();
        w2.zeroGrad();
        b2.zeroGrad();
        for (int o = startIdx; o < end; o++) {
          int i = order[o];
          double[] x = z[i];
          if (hidden > 0) {
            for (int j = 0; j < hidden; j++) {
              double s = b1.v[j];
              int base = j * dim;
              for (int d = 0; d < dim; d++) {
                s += w1.v[base + d] * x[d];
              }
              h[j] = Math.max(0, s);
            }
          } else {
            System.arraycopy(x, 0, h, 0, dim);
          }
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < InjectionModel.CLASSES; c++) {
            double s = b2.v[c];
            int base = c * inner;
            for (int j = 0; j < inner; j++) {
              s += w2.v[base + j] * h[j];
            }
            logits[c] = s;
            max = Math.max(max, s);
          }
          double sum = 0;
          for (int c = 0; c < InjectionModel.CLASSES; c++) {
            logits[c] = Math.exp(logits[c] - max);
            sum += logits[c];
          }
          Arrays.fill(dh, 0);
          for (int c = 0; c < InjectionModel.CLASSES; c++) {
            double g = sampleWeights[i] * (logits[c] / sum - (c == ys[i] ? 1 : 0));
            b2.g[c] += g;
            int base = c * inner;
            for (int j = 0; j < inner; j++) {
              w2.g[base + j] += g * h[j];
              dh[j] += g * w2.v[base + j];
            }
          }
          if (hidden > 0) {
            for (int j = 0; j < hidden; j++) {
              if (h[j] <= 0) {
                continue;
              }
              b1.g[j] += dh[j];
              int base = j * dim;
              for (int d = 0; d < dim; d++) {
                w1.g[base + d] += dh[j] * x[d];
              }
            }
          }
        }
        step++;
        int count = end - startIdx;
        w1.adam(step, count, settings.learningRate(), settings.l2());
        b1.adam(step, count, settings.learningRate(), 0);
        w2.adam(step, count, settings.learningRate(), settings.l2());
        b2.adam(step, count, settings.learningRate(), 0);
      }
    }
    float[][] hiddenWeights = new float[hidden][dim];
    float[] hiddenBias = new float[hidden];
    for (int j = 0; j < hidden; j++) {
      for (int d = 0; d < dim; d++) {
        hiddenWeights[j][d] = (float) w1.v[j * dim + d];
      }
      hiddenBias[j] = (float) b1.v[j];
    }
    float[][] outputWeights = new float[InjectionModel.CLASSES][inner];
    float[] outputBias = new float[InjectionModel.CLASSES];
    for (int c = 0; c < InjectionModel.CLASSES; c++) {
      for (int j = 0; j < inner; j++) {
        outputWeights[c][j] = (float) w2.v[c * inner + j];
      }
      outputBias[c] = (float) b2.v[c];
    }
    return new EmbeddingHead(mean, invStd, hiddenWeights, hiddenBias, outputWeights, outputBias,
        new InjectionModel.Thresholds(0, 0, 0), description);
  }

  /** One parameter tensor with its gradient and Adam moments. */
  private static final class Param {
    final double[] v;
    final double[] g;
    final double[] m;
    final double[] s;

    Param(int size) {
      v = new double[size];
      g = new double[size];
      m = new double[size];
      s = new double[size];
    }

    void zeroGrad() {
      Arrays.fill(g, 0);
    }

    void adam(int step, int batch, double lr, double l2) {
      double c1 = 1 - Math.pow(0.9, step);
      double c2 = 1 - Math.pow(0.999, step);
      for (int k = 0; k < v.length; k++) {
        double grad = g[k] / batch + l2 * v[k];
        m[k] = 0.9 * m[k] + 0.1 * grad;
        s[k] = 0.999 * s[k] + 0.001 * grad * grad;
        v[k] -= lr * (m[k] / c1) / (Math.sqrt(s[k] / c2) + 1e-8);
      }
    }
  }
}
