package dev.vigil.scan.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Sentence embeddings from all-MiniLM-L6-v2 or e5-small-v2 (384 dimensions, mean-pooled, L2-normalised), run
 * in-process by ONNX Runtime from the model and tokenizer that the langchain4j embedding jar ships
 * on the classpath. The ONNX session is limited to one intra-op and one inter-op thread, so one
 * embedding uses one core and scanner workers scale by count. Texts over 510 word pieces are cut
 * into 510-piece parts whose embeddings are averaged (langchain4j's behaviour). Thread-safe: ONNX
 * sessions and the Rust tokenizer may be shared; build one per process, it holds the model in
 * native memory.
 */
public final class SentenceEncoder implements Embedder {

  public static final int DIMENSION = 384;

  private static final String NO_TOKENS = ".";

  /**
   * The packaged models: all-MiniLM-L6-v2 int8-quantised (23 MB) and float32 (90 MB), and
   * e5-small-v2 int8-quantised, which expects its inputs prefixed with {@code "query: "}.
   */
  public enum Variant {
    QUANTIZED("all-minilm-l6-v2-q", ""),
    FULL("all-minilm-l6-v2", ""),
    E5_SMALL_QUANTIZED("e5-small-v2-q", "query: ");

    private final String resource;
    private final String prefix;

    Variant(String resource, String prefix) {
      this.resource = resource;
      this.prefix = prefix;
    }

    public String modelResource() {
      return resource + ".onnx";
    }

    public String tokenizerResource() {
      return resource + "-tokenizer.json";
    }

    /** What the model expects before every input text ({@code ""} for MiniLM). */
    public String prefix() {
      return prefix;
    }

    /** Whether this variant's jar is on the classpath (the float32 one is only there with {@code -Pminilm-full}). */
    public boolean available() {
      return SentenceEncoder.class.getClassLoader().getResource(modelResource()) != null;
    }
  }

  private final Variant variant;
  private final InProcessModel model;

  private SentenceEncoder(Variant variant, InProcessModel model) {
    this.variant = variant;
    this.model = model;
  }

  /** Loads {@code variant} from the classpath; fails with a clear message when its jar is missing. */
  public static SentenceEncoder load(Variant variant) {
    Objects.requireNonNull(variant);
    ClassLoader loader = SentenceEncoder.class.getClassLoader();
    try (InputStream onnx = loader.getResourceAsStream(variant.modelResource());
        InputStream tokenizer = loader.getResourceAsStream(variant.tokenizerResource())) {
      if (onnx == null || tokenizer == null) {
        throw new IllegalStateException("sentence-embedding model " + variant.modelResource() + " is not on the classpath"
            + " (dependency dev.langchain4j:langchain4j-embeddings-" + variant.resource + ")");
      }
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      OrtSession session = environment.createSession(onnx.readAllBytes(), options);
      return new SentenceEncoder(variant, new InProcessModel(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + variant.modelResource(), e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load " + variant.modelResource(), e);
    }
  }

  public Variant variant() {
    return variant;
  }

  /**
   * The unit-length embedding of {@code text}, computed in the calling thread. Text that yields no
   * word piece (only whitespace, control or zero-width characters), which langchain4j refuses, is
   * embedded as {@code "."}.
   */
  @Override
  public float[] embed(String text) {
    float[] vector;
    try {
      vector = model.embed(TextSegment.from(variant.prefix() + (text.isBlank() ? NO_TOKENS : text))).content().vector();
    } catch (IllegalArgumentException noWordPiece) {
      vector = model.embed(TextSegment.from(variant.prefix() + NO_TOKENS)).content().vector();
    }
    if (vector.length != DIMENSION) {
      throw new IllegalStateException("expected " + DIMENSION + " dimensions, model gave " + vector.length);
    }
    return vector;
  }

  /** langchain4j's in-process model around our own session; a direct executor keeps every call in the caller's thread. */
  private static final class InProcessModel extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    InProcessModel(OnnxBertBiEncoder encoder) {
      super(Runnable::run);
      this.encoder = encoder;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSION;
    }
  }
}
