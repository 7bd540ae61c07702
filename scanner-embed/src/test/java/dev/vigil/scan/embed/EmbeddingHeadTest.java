package dev.vigil.scan.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.scan.model.InjectionModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmbeddingHeadTest {

  private static float[] randomVector(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static EmbeddingHead head(int dim, int hidden, Random random) {
    float[][] hiddenWeights = new float[hidden][];
    for (int j = 0; j < hidden; j++) {
      hiddenWeights[j] = randomVector(random, dim);
    }
    float[][] out = new float[InjectionModel.CLASSES][];
    for (int c = 0; c < InjectionModel.CLASSES; c++) {
      out[c] = randomVector(random, hidden == 0 ? dim : hidden);
    }
    float[] invStd = new float[dim];
    java.util.Arrays.fill(invStd, 2f);
    return new EmbeddingHead(randomVector(random, dim), invStd, hiddenWeights, randomVector(random, hidden), out,
        randomVector(random, InjectionModel.CLASSES), new InjectionModel.Thresholds(1.5, 0.5, 3.5), "test head");
  }

  @Test
  void writeThenReadGivesTheSameScoresForLinearAndHiddenLayerHeads() throws IOException {
    Random random = new Random(3);
    for (int hidden : new int[] {0, 8}) {
      EmbeddingHead original = head(16, hidden, random);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      original.write(bytes);
      EmbeddingHead copy = EmbeddingHead.read(new ByteArrayInputStream(bytes.toByteArray()));
      assertEquals(original.thresholds(), copy.thresholds());
      assertEquals("test head", copy.description());
      assertEquals(hidden, copy.hiddenUnits());
      for (int i = 0; i < 20; i++) {
        float[] x = randomVector(random, 16);
        assertArrayEquals(original.probabilities(x), copy.probabilities(x), 1e-12);
      }
    }
  }

  @Test
  void probabilitiesSumToOneAndTheAttackLogitMatchesThem() {
    EmbeddingHead head = head(16, 4, new Random(5));
    double[] p = head.probabilities(randomVector(new Random(6), 16));
    assertEquals(1.0, p[0] + p[1] + p[2], 1e-9);
    assertEquals(Math.log((p[1] + p[2]) / p[0]), EmbeddingHead.attackLogit(p), 1e-9);
  }

  @Test
  void rejectsInputOfAnotherDimensionAndFilesOfAnotherKind() {
    EmbeddingHead head = head(16, 0, new Random(1));
    assertThrows(IllegalArgumentException.class, () -> head.probabilities(new float[15]));
    assertThrows(IOException.class, () -> EmbeddingHead.read(new ByteArrayInputStream(new byte[64])));
  }
}
