package dev.vigil.chaos.drill;

/** One invariant or target, checked after a drill: what was demanded, whether it held, and what was measured. */
public record Check(String name, Status status, String detail) {

  public enum Status { PASSED, FAILED, NOT_CHECKED }

  public static Check of(String name, boolean passed, String detail) {
    return new Check(name, passed ? Status.PASSED : Status.FAILED, detail);
  }

  public static Check notChecked(String name, String why) {
    return new Check(name, Status.NOT_CHECKED, why);
  }
}
