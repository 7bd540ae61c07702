package dev.vigil.scan.embed;

/** Maps a text to its sentence embedding; {@link SentenceEncoder} computes it, training code may serve it from a cache. */
@FunctionalInterface
public interface Embedder {

  float[] embed(String text);
}
