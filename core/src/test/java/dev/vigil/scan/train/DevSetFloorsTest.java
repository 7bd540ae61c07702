package dev.vigil.scan.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.scan.ContentScanner;
import dev.vigil.scan.model.InjectionModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression floors over the scanner dev set (../shared/data/scanner-dev). Fails, not skips, when
 * the data is missing. Floors sit a little under the numbers measured in docs/scanner.md so a real
 * regression fails the build while run-to-run noise does not.
 */
class DevSetFloorsTest {

  private static Path dir;

  @BeforeAll
  static void locateData() {
    dir = DevSet.locate();
  }

  @Test
  void crossSourceModelTrainedOnIndependentFilesFindsAuthensorAttacks() {
    EvaluateScanner.Split split = EvaluateScanner.SPLITS.get(1);
    List<Example> train = EvaluateScanner.trainSet(dir, split);
    List<Example> test = EvaluateScanner.testSet(dir, split, train);
    InjectionModel model = new SoftmaxTrainer(SoftmaxTrainer.Settings.defaults()).train(train, "floors");
    EvaluateScanner.Report report = EvaluateScanner.run(ContentScanner.withModel(model), test);
    assertTrue(report.attackRecall() >= 0.25, "cross-source attack recall " + report.attackRecall());
    assertTrue(report.benignFpr() <= 0.05, "cross-source benign FPR " + report.benignFpr());
  }

  @Test
  void pooledHeldOutSplitMeetsTheInDistributionTargets() {
    List<Example> train = EvaluateScanner.trainSet(dir, EvaluateScanner.POOLED);
    List<Example> test = EvaluateScanner.testSet(dir, EvaluateScanner.POOLED, train);
    InjectionModel model = new SoftmaxTrainer(SoftmaxTrainer.Settings.defaults()).train(train, "floors");
    EvaluateScanner.Report report = EvaluateScanner.run(ContentScanner.withModel(model), test);
    assertTrue(report.attackRecall() >= 0.80, "held-out attack recall " + report.attackRecall());
    assertTrue(report.benignFpr() <= 0.03, "held-out benign FPR " + report.benignFpr());
  }

  @Test
  void ruleDetectorsKeepSecretAndPiiRecallWithFewFalsePositives() {
    EvaluateScanner.Report report = EvaluateScanner.run(ContentScanner.fastOnly(), DevSet.load(dir, EvaluateScanner.allFiles()));
    EvaluateScanner.Cell secret = report.label("secret");
    EvaluateScanner.Cell pii = report.label("pii");
    EvaluateScanner.Cell benign = report.label("benign");
    assertTrue(secret.secret() >= 0.70 * secret.total(), "secret recall " + secret.secret() + "/" + secret.total());
    assertTrue(pii.pii() >= 0.88 * pii.total(), "PII recall " + pii.pii() + "/" + pii.total());
    assertTrue(benign.secret() <= 0.01 * benign.total(), "benign with SECRET " + benign.secret() + "/" + benign.total());
    assertTrue(benign.pii() <= 0.01 * benign.total(), "benign with PII " + benign.pii() + "/" + benign.total());
  }

  @Test
  void shippedScannerOnItsOwnTrainingData() {
    // In-sample, so only a smoke floor: the shipped resource must be the trained model, not a stale or empty one.
    EvaluateScanner.Report report = EvaluateScanner.run(ContentScanner.withDefaults(), DevSet.load(dir, EvaluateScanner.allFiles()));
    assertTrue(report.attackRecall() >= 0.90, "in-sample attack recall " + report.attackRecall());
    assertTrue(report.benignFpr() <= 0.05, "in-sample benign FPR " + report.benignFpr());
  }
}
