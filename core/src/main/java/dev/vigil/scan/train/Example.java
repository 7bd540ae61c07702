package dev.vigil.scan.train;

/** One labelled line of the scanner dev set: text, label (injection|jailbreak|benign|secret|pii), file and sub-category. */
public record Example(String text, String label, String file, String category) {

  public boolean isAttack() {
    return label.equals("injection") || label.equals("jailbreak");
  }
}
