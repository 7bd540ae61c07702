package dev.vigil.scan.train;

import dev.vigil.scan.detect.InjectionPhrases;
import dev.vigil.scan.model.HashedFeatures;
import dev.vigil.scan.model.InjectionModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Trains the injection classifier: multinomial logistic regression with L2 regularisation by
 * AdaGrad SGD, class-balanced so benign weighs as much as all attacks together. Then calibrates the
 * decision thresholds on benign lines held out of training (2% FPR for agent text, 5% for tool
 * results, where hidden instructions are the main risk).
 */
public final class SoftmaxTrainer {

  /** Training knobs; {@link #defaults()} is what the shipped model uses. */
  public record Settings(
      int bucketBits, int minN, int maxN, int epochs, double learningRate, double l2, double phraseScale,
      int calibrationPercent, double agentFpr, double toolResultFpr, long seed, double extraBenignShare) {

    public static Settings defaults() {
      return new Settings(18, 2, 4, 8, 0.5, 1e-4, 0.6, 20, 0.02, 0.05, 42L, 0.5);
    }

    /** Defaults overridden by {@code -Dscan.bits, scan.minN, scan.maxN, scan.epochs, scan.lr, scan.l2, scan.phraseScale}. */
    public static Settings fromSystemProperties() {
      Settings d = defaults();
      return new Settings(Integer.getInteger("scan.bits", d.bucketBits()), Integer.getInteger("scan.minN", d.minN()),
          Integer.getInteger("scan.maxN", d.maxN()), Integer.getInteger("scan.epochs", d.epochs()),
          Double.parseDouble(System.getProperty("scan.lr", String.valueOf(d.learningRate()))),
          Double.parseDouble(System.getProperty("scan.l2", String.valueOf(d.l2()))),
          Double.parseDouble(System.getProperty("scan.phraseScale", String.valueOf(d.phraseScale()))),
          d.calibrationPercent(), d.agentFpr(), d.toolResultFpr(), d.seed(),
          Double.parseDouble(System.getProperty("scan.extraBenignShare", String.valueOf(d.extraBenignShare()))));
    }

    public Settings withPhraseScale(double scale) {
      return new Settings(bucketBits, minN, maxN, epochs, learningRate, l2, scale, calibrationPercent, agentFpr, toolResultFpr, seed,
          extraBenignShare);
    }
  }

  private final Settings settings;

  public SoftmaxTrainer(Settings settings) {
    this.settings = settings;
  }

  public static int classOf(Example example) {
    return switch (example.label()) {
      case "injection" -> InjectionModel.INJECTION;
      case "jailbreak" -> InjectionModel.JAILBREAK;
      default -> InjectionModel.BENIGN; // benign, and secret/pii lines: credentials are not instructions
    };
  }

  /**
   * Trains on {@code examples} minus a calibration slice of their benign lines, then calibrates on
   * that slice. Benign lines of the extra corpus ({@link DevSet#isExtraBenign}) share the benign
   * class weight with the labelled files ({@code extraBenignShare} of it), and the thresholds must
   * hold the FPR targets on the held-out lines of each group separately.
   */
  public InjectionModel train(List<Example> examples, String description) {
    List<Example> fit = new ArrayList<>();
    List<Example> calibration = new ArrayList<>();
    List<Example> extraCalibration = new ArrayList<>();
    for (Example e : examples) {
      if (e.label().equals("benign") && DevSet.bucket(e.text()) < settings.calibrationPercent()) {
        (DevSet.isExtraBenign(e) ? extraCalibration : calibration).add(e);
      } else {
        fit.add(e);
      }
    }
    HashedFeatures features = new HashedFeatures(settings.bucketBits(), settings.minN(), settings.maxN(), new InjectionPhrases());
    HashedFeatures.Vector[] xs = new HashedFeatures.Vector[fit.size()];
    int[] ys = new int[fit.size()];
    boolean[] extra = new boolean[fit.size()];
    int[] classCounts = new int[InjectionModel.CLASSES];
    int extraCount = 0;
    for (int i = 0; i < xs.length; i++) {
      xs[i] = features.featurize(fit.get(i).text());
      ys[i] = classOf(fit.get(i));
      extra[i] = DevSet.isExtraBenign(fit.get(i));
      if (extra[i]) {
        extraCount++;
      } else {
        classCounts[ys[i]]++;
      }
    }
    int attacks = classCounts[InjectionModel.INJECTION] + classCounts[InjectionModel.JAILBREAK];
    double[] classWeight = new double[InjectionModel.CLASSES];
    double share = extraCount == 0 ? 0.0 : settings.extraBenignShare();
    classWeight[InjectionModel.BENIGN] = (1.0 - share) * xs.length / (2.0 * Math.max(1, classCounts[InjectionModel.BENIGN]));
    classWeight[InjectionModel.INJECTION] = xs.length / (2.0 * Math.max(1, attacks));
    classWeight[InjectionModel.JAILBREAK] = classWeight[InjectionModel.INJECTION];
    double extraWeight = share * xs.length / (2.0 * Math.max(1, extraCount));

    float[][] w = new float[InjectionModel.CLASSES][features.buckets()];
    float[][] g2 = new float[InjectionModel.CLASSES][features.buckets()];
    float[] bias = new float[InjectionModel.CLASSES];
    float[] biasG2 = new float[InjectionModel.CLASSES];
    Integer[] order = new Integer[xs.length];
    Arrays.setAll(order, i -> i);
    Random random = new Random(settings.seed());
    InjectionModel.Thresholds none = new InjectionModel.Thresholds(0, 0, 0);
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      Collections.shuffle(Arrays.asList(order), random);
      for (int i : order) {
        HashedFeatures.Vector x = xs[i];
        double[] p = InjectionModel.probabilities(w, bias, x);
        double sw = extra[i] ? extraWeight : classWeight[ys[i]];
        for (int c = 0; c < InjectionModel.CLASSES; c++) {
          double grad = sw * (p[c] - (c == ys[i] ? 1.0 : 0.0));
          float[] row = w[c];
          float[] acc = g2[c];
          int[] idx = x.indices();
          float[] val = x.values();
          for (int k = 0; k < idx.length; k++) {
            int f = idx[k];
            double g = grad * val[k] + settings.l2() * row[f];
            acc[f] += (float) (g * g);
            row[f] -= (float) (settings.learningRate() * g / Math.sqrt(acc[f] + 1e-8));
          }
          biasG2[c] += (float) (grad * grad);
          bias[c] -= (float) (settings.learningRate() * grad / Math.sqrt(biasG2[c] + 1e-8));
        }
      }
    }
    InjectionModel uncalibrated = new InjectionModel(features, w, bias, settings.phraseScale(), none, description);
    InjectionModel calibrated = calibrate(uncalibrated, calibration, description + "; calibrated on " + calibration.size()
        + " held-out benign lines" + (extraCalibration.isEmpty() ? "" : " and " + extraCalibration.size() + " held-out extra benign lines"));
    if (extraCalibration.isEmpty()) {
      return calibrated;
    }
    InjectionModel.Thresholds a = calibrated.thresholds();
    InjectionModel.Thresholds b = calibrate(uncalibrated, extraCalibration, "").thresholds();
    return calibrated.withThresholds(new InjectionModel.Thresholds(Math.max(a.agent(), b.agent()), Math.max(a.toolResult(), b.toolResult()),
        Math.max(a.critical(), b.critical())));
  }

  /** Sets thresholds so at most the configured fraction of {@code benign} lines score above them. */
  public InjectionModel calibrate(InjectionModel model, List<Example> benign, String description) {
    InjectionPhrases phrases = new InjectionPhrases();
    double[] scores = benign.stream().mapToDouble(e -> model.classify(e.text(), phrases.signals(e.text())).attackLogit()).toArray();
    double agent = thresholdFor(scores, settings.agentFpr());
    double toolResult = Math.min(agent, thresholdFor(scores, settings.toolResultFpr()));
    double critical = Math.max(agent + 2.0, Math.log(0.97 / 0.03));
    return model.withThresholds(new InjectionModel.Thresholds(agent, toolResult, critical)).withDescription(description);
  }

  /** Smallest threshold with at most {@code fpr} of {@code scores} at or above it (0 when there are no scores). */
  public static double thresholdFor(double[] scores, double fpr) {
    if (scores.length == 0) {
      return 0.0;
    }
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    int allowed = (int) Math.floor(fpr * sorted.length);
    int index = sorted.length - 1 - allowed;
    return Math.nextUp(sorted[index]);
  }
}
