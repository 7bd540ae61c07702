package dev.vigil.policy;

import dev.vigil.policy.internal.Problems;
import dev.vigil.policy.internal.SourceNode;
import dev.vigil.policy.internal.SourceNode.MapNode;
import dev.vigil.policy.internal.SourceReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns policy source text into a {@link CompiledPolicy}, or rejects it with every error found.
 * YAML and JSON are told apart by the first character; Vigil and Authensor policies by shape
 * (a {@code schema} key means Vigil). Compilation is all or nothing: nothing half-loaded escapes.
 *
 * <p>The policy's SHA-256 is taken over its canonical source: UTF-8, any byte-order mark removed,
 * CRLF and CR line ends turned into LF. The same text saved on Windows or Unix has the same hash.
 */
public final class PolicyCompiler {

  private PolicyCompiler() {}

  public static CompiledPolicy compile(byte[] utf8) {
    return compile(new String(utf8, StandardCharsets.UTF_8));
  }

  public static CompiledPolicy compile(String source) {
    String canonical = canonical(source);
    String sha256 = sha256(canonical);
    Problems problems = new Problems();
    SourceNode root = SourceReader.read(canonical, problems);
    CompiledPolicy policy = null;
    if (root != null) {
      if (!(root instanceof MapNode map)) {
        problems.add(root, null, "", "a policy must be a map at the top level, found " + root.shape());
      } else {
        SourceFields fields = new SourceFields(problems);
        policy = AuthensorPolicyReader.looksLikeAuthensor(map)
            ? new AuthensorPolicyReader(fields).read(map, canonical, sha256)
            : new VigilPolicyReader(fields).read(map, canonical, sha256);
      }
    }
    if (!problems.isEmpty() || policy == null) {
      throw new PolicyValidationException(problems.isEmpty()
          ? List.of(new PolicyError(0, 0, null, "", "the policy could not be read"))
          : problems.sorted());
    }
    return policy;
  }

  /** Compiles several sources into one set; errors of all of them are reported, each message prefixed by its source index. */
  public static PolicySet compileSet(List<String> sources) {
    List<CompiledPolicy> policies = new ArrayList<>();
    List<PolicyError> errors = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      try {
        policies.add(compile(sources.get(i)));
      } catch (PolicyValidationException e) {
        for (PolicyError error : e.errors()) {
          errors.add(new PolicyError(error.line(), error.column(), error.ruleId(), error.path(),
              "policy #" + (i + 1) + ": " + error.message()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyValidationException(errors);
    }
    return PolicySet.of(policies);
  }

  static String canonical(String source) {
    String text = source.startsWith("\uFEFF") ? source.substring(1) : source;
    return text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n").replace('\r', '\n');
  }

  public static String sha256(String canonicalSource) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalSource.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
