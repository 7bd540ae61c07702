package dev.vigil.scan.embed.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.scan.detect.InjectionPhrases;
import dev.vigil.scan.embed.Embedder;
import dev.vigil.scan.embed.EmbeddingClassifier;
import dev.vigil.scan.embed.SentenceEncoder;
import dev.vigil.scan.train.DevSet;
import dev.vigil.scan.train.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The head trainer on synthetic embeddings: attacks and benign lines drawn around two centres that
 * overlap (about two standard deviations apart), so a threshold at the class boundary would flag
 * one benign line in six. The calibrated agent threshold must hold the 2% FPR target on unseen
 * benign lines of the same kind while still finding a good share of the attacks. Texts carry no
 * trigger phrase, so only the embedding decides.
 */
class HeadTrainerTest {

  /** Deterministic fake embeddings: "atk ..." lines centred on +0.4 in the first 8 dimensions, others on -0.4. */
  private static final Embedder SYNTHETIC = text -> {
    Random random = new Random(text.hashCode());
    float[] v = new float[SentenceEncoder.DIMENSION];
    float centre = text.startsWith("atk") ? 0.4f : -0.4f;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian() + (i < 8 ? centre : 0f);
    }
    return v;
  };

  private static List<Example> lines(String prefix, String label, int count, int offset) {
    List<Example> examples = new ArrayList<>();
    for (int i = offset; i < offset + count; i++) {
      examples.add(new Example(prefix + " line " + i, label, "synthetic.jsonl", ""));
    }
    return examples;
  }

  private static double flagged(EmbeddingClassifier classifier, List<Example> examples, double threshold) {
    InjectionPhrases phrases = new InjectionPhrases();
    long hits = examples.stream()
        .filter(e -> classifier.classify(e.text(), phrases.signals(e.text())).attackLogit() >= threshold)
        .count();
    return (double) hits / examples.size();
  }

  @Test
  void linearAndHiddenLayerHeadsSeparateAndHoldTheFprOnUnseenBenignLines() {
    List<Example> train = new ArrayList<>(lines("atk", "injection", 600, 0));
    train.addAll(lines("ok", "benign", 1500, 0));
    long heldOut = train.stream().filter(e -> e.label().equals("benign") && DevSet.bucket(e.text()) < 20).count();
    assertTrue(heldOut > 200, "the calibration slice must be large enough to set a 2% threshold: " + heldOut);
    for (HeadTrainer.Settings settings : List.of(HeadTrainer.Settings.defaults(), HeadTrainer.Settings.defaults().withHidden(16))) {
      EmbeddingClassifier classifier = new HeadTrainer(settings).train(train, SYNTHETIC, "synthetic");
      List<Example> unseenAttacks = lines("atk", "injection", 500, 10_000);
      List<Example> unseenBenign = lines("ok", "benign", 2000, 10_000);
      double threshold = classifier.thresholds().agent();
      double recall = flagged(classifier, unseenAttacks, threshold);
      double fpr = flagged(classifier, unseenBenign, threshold);
      String what = "hidden=" + settings.hidden() + ": recall " + recall + ", FPR " + fpr + ", at the class boundary FPR "
          + flagged(classifier, unseenBenign, 0.0);
      assertTrue(flagged(classifier, unseenBenign, 0.0) > 0.08, "the classes must overlap for this test to mean anything; " + what);
      assertTrue(fpr < 0.035, "calibrated threshold must hold ~2% FPR on unseen benign lines; " + what);
      assertTrue(recall > 0.25, "the head must still find attacks at that threshold; " + what);
    }
  }
}
