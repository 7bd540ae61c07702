package dev.vigil.scan.detect;

import dev.vigil.scan.Finding;
import java.util.List;

/** One fast, stateless detector: appends what it finds in {@code text} to {@code out}. Implementations are thread-safe. */
public interface Detector {

  void detect(String text, List<Finding> out);
}
