package dev.vigil.chaos.load;

/**
 * One request a {@link RequestKind} wants sent: method, path under the API base, JSON body (null for none), and the
 * bearer credential (null: the drill's admin key; an investigation's bootstrap or investigation token otherwise).
 */
public record PlannedRequest(String kind, String method, String path, String body, String bearer) {

  public PlannedRequest(String kind, String method, String path, String body) {
    this(kind, method, path, body, null);
  }
}
