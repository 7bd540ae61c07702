package dev.vigil.scan.embed;

import dev.vigil.scan.detect.InjectionPhrases;
import dev.vigil.scan.model.InjectionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt-injection/jailbreak classifier over sentence embeddings: the text (or, past
 * {@link #WINDOW} + {@link #STEP} chars, each {@link #WINDOW}-char window with step {@link #STEP};
 * the most suspicious window wins) is embedded and scored by an {@link EmbeddingHead}, and
 * {@code phraseScale} times the trigger-phrase weight is added to the attack logit, as
 * {@link InjectionModel} does. Immutable and thread-safe when its embedder is.
 */
public final class EmbeddingClassifier {

  public static final int WINDOW = 1000;
  public static final int STEP = 500;

  /** A sentence for {@code sentenceMax}: up to and including . ! ? or a line break, at least three words. */
  private static final Pattern SENTENCE = Pattern.compile("[^.!?\\n]*(?:[.!?]+|\\n|$)");

  private final Embedder embedder;
  private final EmbeddingHead head;
  private final double phraseScale;
  private final boolean sentenceMax;

  public EmbeddingClassifier(Embedder embedder, EmbeddingHead head, double phraseScale) {
    this(embedder, head, phraseScale, false);
  }

  /**
   * With {@code sentenceMax}, a text of several sentences also has each sentence scored alone and
   * the most suspicious one wins, so an order inside an innocent paragraph is not averaged away
   * by mean pooling.
   */
  public EmbeddingClassifier(Embedder embedder, EmbeddingHead head, double phraseScale, boolean sentenceMax) {
    this.embedder = Objects.requireNonNull(embedder);
    this.head = Objects.requireNonNull(head);
    this.phraseScale = phraseScale;
    this.sentenceMax = sentenceMax;
  }

  public EmbeddingHead head() {
    return head;
  }

  public double phraseScale() {
    return phraseScale;
  }

  public InjectionModel.Thresholds thresholds() {
    return head.thresholds();
  }

  public EmbeddingClassifier withHead(EmbeddingHead other) {
    return new EmbeddingClassifier(embedder, other, phraseScale, sentenceMax);
  }

  public InjectionModel.Verdict classify(String text, InjectionPhrases.Signals signals) {
    int length = text.length();
    double bestLogit = Double.NEGATIVE_INFINITY;
    double[] bestP = null;
    int bestStart = 0;
    int bestEnd = length;
    if (length <= WINDOW + STEP) {
      bestP = head.probabilities(embedder.embed(text));
      bestLogit = EmbeddingHead.attackLogit(bestP);
    } else {
      for (int start = 0; start < length; start += STEP) {
        int end = Math.min(length, start + WINDOW);
        double[] p = head.probabilities(embedder.embed(text.substring(start, end)));
        double logit = EmbeddingHead.attackLogit(p);
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
    if (sentenceMax) {
      Matcher m = SENTENCE.matcher(text);
      int sentences = 0;
      List<int[]> spans = new ArrayList<>();
      while (m.find() && m.start() < length) {
        String sentence = m.group().strip();
        if (sentence.split("\\s+").length >= 3) {
          spans.add(new int[] {m.start(), m.end()});
        }
        sentences++;
        if (m.end() == m.start()) {
          break;
        }
      }
      if (sentences > 1) {
        for (int[] span : spans) {
          double[] p = head.probabilities(embedder.embed(text.substring(span[0], span[1]).strip()));
          double logit = EmbeddingHead.attackLogit(p);
          if (logit >= bestLogit) { // on a tie the sentence is the narrower span to report
            bestLogit = logit;
            bestP = p;
            bestStart = span[0];
            bestEnd = span[1];
          }
        }
      }
    }
    double jailbreakBoost = phraseScale * (signals.jailbreakWeight() - signals.injectionWeight());
    double pJailbreak = bestP[InjectionModel.JAILBREAK] * Math.exp(Math.max(-5, Math.min(5, jailbreakBoost)));
    return new InjectionModel.Verdict(bestP[InjectionModel.INJECTION], pJailbreak, bestLogit + phraseScale * signals.total(),
        bestStart, bestEnd);
  }
}
