package dev.vigil.policy.internal;

import dev.vigil.policy.EvaluationRequest;
import java.util.Map;

/**
 * A dot path into a request, resolved once at compile time to a root and pre-split segments.
 * Vigil paths ({@code action}, {@code resource}, {@code parameters.amount}, {@code principal.labels.team},
 * {@code phase}, {@code context.env}, {@code scan.maxSeverity}, {@code scan.findingTypes}) and
 * Authensor envelope paths ({@code action.type}, {@code action.resource}, {@code action.operation},
 * {@code action.parameters.amount}, {@code principal.id}) resolve to the same roots.
 */
public final class FieldPath {

  /** Where a path starts; {@code SCAN_SEVERITY} yields the severity's ordinal so it can be ordered. */
  public enum Root { ACTION, RESOURCE, OPERATION, PARAMETERS, PRINCIPAL_ID, PRINCIPAL_TYPE, LABELS, PHASE, CONTEXT,
    SCAN_SEVERITY, SCAN_TYPES }

  private static final Integer[] SEVERITY_ORDINALS = {0, 1, 2, 3, 4};

  private final String text;
  private final Root root;
  private final String[] segments;

  private FieldPath(String text, Root root, String[] segments) {
    this.text = text;
    this.root = root;
    this.segments = segments;
  }

  /** Resolves a dot path, or returns null when it names nothing a request has. */
  public static FieldPath parse(String text) {
    String[] parts = text.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        return null;
      }
    }
    String head = parts[0];
    switch (head) {
      case "action":
        if (parts.length == 1) {
          return new FieldPath(text, Root.ACTION, new String[0]);
        }
        switch (parts[1]) {
          case "type": return exact(text, Root.ACTION, parts, 2);
          case "resource": return exact(text, Root.RESOURCE, parts, 2);
          case "operation": return exact(text, Root.OPERATION, parts, 2);
          case "parameters": return nested(text, Root.PARAMETERS, parts, 2);
          default: return null;
        }
      case "resource": return exact(text, Root.RESOURCE, parts, 1);
      case "parameters": return nested(text, Root.PARAMETERS, parts, 1);
      case "context": return nested(text, Root.CONTEXT, parts, 1);
      case "phase": return exact(text, Root.PHASE, parts, 1);
      case "principal":
        if (parts.length < 2) {
          return null;
        }
        switch (parts[1]) {
          case "id": return exact(text, Root.PRINCIPAL_ID, parts, 2);
          case "type": return exact(text, Root.PRINCIPAL_TYPE, parts, 2);
          case "labels": case "attributes": return parts.length == 3 ? nested(text, Root.LABELS, parts, 2) : null;
          // Authensor principals may carry extra attributes (principal.team): they are kept as labels.
          default: return parts.length == 2 ? nested(text, Root.LABELS, parts, 1) : null;
        }
      case "scan":
        if (parts.length != 2) {
          return null;
        }
        switch (parts[1]) {
          case "maxSeverity": case "max_severity": return new FieldPath(text, Root.SCAN_SEVERITY, new String[0]);
          case "findingTypes": case "types": return new FieldPath(text, Root.SCAN_TYPES, new String[0]);
          default: return null;
        }
      default:
        return null;
    }
  }

  private static FieldPath exact(String text, Root root, String[] parts, int used) {
    return parts.length == used ? new FieldPath(text, root, new String[0]) : null;
  }

  private static FieldPath nested(String text, Root root, String[] parts, int used) {
    String[] rest = new String[parts.length - used];
    System.arraycopy(parts, used, rest, 0, rest.length);
    return new FieldPath(text, root, rest);
  }

  public static FieldPath parameter(String dottedName) {
    return parse("parameters." + dottedName);
  }

  public Root root() {
    return root;
  }

  public String text() {
    return text;
  }

  /** The value at this path, or null when absent. */
  public Object get(EvaluationRequest request) {
    switch (root) {
      case ACTION: return request.action();
      case RESOURCE: return request.resource();
      case OPERATION: return request.context().get(EvaluationRequest.OPERATION_KEY);
      case PRINCIPAL_ID: return request.principal().id();
      case PRINCIPAL_TYPE: return request.principal().type();
      case PHASE: return request.phase().wireName();
      case SCAN_SEVERITY: return SEVERITY_ORDINALS[request.scan().maxSeverity().ordinal()];
      case SCAN_TYPES: return request.scan().findingTypes();
      case LABELS: return segments.length == 0 ? request.principal().labels() : request.principal().labels().get(segments[0]);
      case PARAMETERS: return walk(request.parameters());
      case CONTEXT: return walk(request.context());
      default: throw new IllegalStateException(root.name());
    }
  }

  private Object walk(Map<String, Object> map) {
    Object current = map;
    for (String segment : segments) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(segment);
    }
    return current;
  }

  @Override
  public String toString() {
    return text;
  }
}
