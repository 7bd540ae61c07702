package dev.vigil.scan.detect;

import dev.vigil.scan.FindingType;
import dev.vigil.scan.detect.AhoCorasick.Boundary;
import java.util.ArrayList;
import java.util.List;

/**
 * Trigger phrases of prompt injection and jailbreaks (instruction overrides, prompt extraction,
 * persona switches, fake system delimiters, agent-directed orders in tool output), in English and
 * a few other languages, matched with one Aho-Corasick pass. Each phrase carries a prior weight in
 * logit units; the scanner adds the weights of the phrases found to the classifier's logit. The
 * list was written from public attack taxonomies, not fitted to the evaluation files.
 */
public final class InjectionPhrases {

  /** What one scan found: summed weights per kind and the span covering the strongest phrase. */
  public record Signals(double injectionWeight, double jailbreakWeight, int strongestStart, int strongestEnd, String strongest) {

    public static final Signals NONE = new Signals(0, 0, -1, -1, "");

    public double total() {
      return injectionWeight + jailbreakWeight;
    }

    public boolean any() {
      return strongestStart >= 0;
    }
  }

  private record Phrase(String text, FindingType kind, double weight) {}

  private static final double STRONG = 2.5;
  private static final double MEDIUM = 1.2;
  private static final double WEAK = 0.5;
  /** A phrase repeated many times should not outweigh the classifier on its own. */
  private static final double MAX_TOTAL = 5.0;

  private static final List<Phrase> PHRASES = phrases();
  private final AhoCorasick matcher;

  public InjectionPhrases() {
    List<String> texts = new ArrayList<>();
    List<Boundary> boundaries = new ArrayList<>();
    for (Phrase phrase : PHRASES) {
      texts.add(phrase.text());
      boundaries.add(Boundary.BOTH);
    }
    matcher = AhoCorasick.build(texts, boundaries);
  }

  public int phraseCount() {
    return PHRASES.size();
  }

  /** Calls {@code sink} with the phrase id and span of every hit, for use as classifier features. */
  public void forEachHit(String text, AhoCorasick.MatchSink sink) {
    matcher.search(text, sink);
  }

  public Signals signals(String text) {
    Accumulator accumulator = new Accumulator();
    matcher.search(text, accumulator);
    return accumulator.result();
  }

  /** The phrases as Aho-Corasick patterns, so another automaton can match them in its own pass. */
  public List<String> patterns() {
    return PHRASES.stream().map(Phrase::text).toList();
  }

  /** Collects phrase hits (ids as in {@link #patterns()}) into {@link Signals}; one per scan, not thread-safe. */
  public static final class Accumulator implements AhoCorasick.MatchSink {
    private double injection;
    private double jailbreak;
    private double bestWeight;
    private int bestStart = -1;
    private int bestEnd = -1;
    private int bestId = -1;

    @Override
    public void onMatch(int id, int start, int end) {
      Phrase phrase = PHRASES.get(id);
      if (phrase.kind() == FindingType.JAILBREAK) {
        jailbreak += phrase.weight();
      } else {
        injection += phrase.weight();
      }
      if (phrase.weight() > bestWeight) {
        bestWeight = phrase.weight();
        bestStart = start;
        bestEnd = end;
        bestId = id;
      }
    }

    public Signals result() {
      if (bestId < 0) {
        return Signals.NONE;
      }
      double scale = Math.min(1.0, MAX_TOTAL / (injection + jailbreak));
      return new Signals(injection * scale, jailbreak * scale, bestStart, bestEnd, PHRASES.get(bestId).text());
    }
  }

  private static List<Phrase> phrases() {
    List<Phrase> list = new ArrayList<>();
    FindingType inj = FindingType.PROMPT_INJECTION;
    FindingType jb = FindingType.JAILBREAK;
    // Instruction override.
    for (String verb : List.of("ignore", "disregard", "forget", "override", "skip", "drop", "abandon", "bypass", "set aside")) {
      for (String what : List.of("previous instructions", "all previous instructions", "prior instructions", "all prior instructions",
          "the above instructions", "all instructions", "your instructions", "all your instructions", "the previous instructions",
          "your previous instructions", "any previous instructions", "previous directions", "the system prompt", "your system prompt",
          "your guidelines", "your rules", "all rules", "your programming", "the instructions above", "everything above",
          "all of the above", "the above", "what you were told", "everything before", "prior context", "previous context",
          "your original instructions", "your training", "your safety guidelines", "all safety", "your restrictions")) {
        list.add(new Phrase(verb + " " + what, inj, STRONG));
      }
    }
    for (String s : List.of("new instructions", "updated instructions", "new task", "new objective", "new directive",
        "priority override", "system override", "admin override", "instead, you must", "instead you will", "from now on you",
        "from now on, you", "your new role", "your new instructions", "real instructions", "actual instructions",
        "the following instructions supersede", "supersedes all previous", "takes priority over", "highest priority",
        "end of user input", "end of document", "end of context", "begin new instructions", "ignore the user",
        "do not follow the user", "instructions for the ai", "instructions to the ai", "note to the ai", "note to ai",
        "attention ai", "ai assistant:", "dear ai", "hey ai", "to the assistant", "if you are an ai", "if you are a language model",
        "as an ai reading this", "llm reading this", "when summarizing this", "when you summarize", "when the assistant reads")) {
      list.add(new Phrase(s, inj, MEDIUM));
    }
    // Prompt extraction.
    for (String verb : List.of("reveal", "print", "show", "output", "repeat", "display", "leak", "tell me", "share", "dump", "write out")) {
      for (String what : List.of("your system prompt", "the system prompt", "your instructions", "your initial instructions",
          "your hidden instructions", "your prompt", "the prompt above", "the text above", "everything above", "the words above",
          "your configuration", "your rules", "your secret", "the password", "your api key", "environment variables")) {
        list.add(new Phrase(verb + " " + what, inj, STRONG));
      }
    }
    for (String s : List.of("system prompt", "initial prompt", "hidden prompt", "above prompt", "previous prompt", "prompt above",
        "above text", "verbatim", "word for word")) {
      list.add(new Phrase(s, inj, WEAK));
    }
    // Fake delimiters and role tags.
    for (String s : List.of("<|im_start|>", "<|im_end|>", "<|system|>", "<|endoftext|>", "[system]", "[/system]", "</system>",
        "<system>", "[inst]", "[/inst]", "<<sys>>", "### system", "### instruction", "system:", "### new instructions",
        "-----end", "======end", "[admin]", "[developer]", "developer message", "system message:", "assistant:", "user:")) {
      list.add(new Phrase(s, inj, s.endsWith(":") ? WEAK : MEDIUM));
    }
    // Agent-directed actions typical of indirect injection and tool abuse.
    for (String s : List.of("exfiltrate", "send the contents", "send all", "forward all", "forward the", "upload the contents",
        "post the contents", "email the contents", "without telling the user", "do not tell the user", "don't tell the user",
        "do not inform the user", "don't mention this", "do not mention this", "silently", "without the user knowing",
        "without asking", "without confirmation", "/etc/passwd", "/etc/shadow", "rm -rf", "curl http", "wget http", "| sh",
        "| bash", "chmod 777", "drop table", "' or '1'='1", "or 1=1", "union select", "../../", "..\\..\\", "id_rsa",
        ".ssh/", "api keys", "credentials to", "base64 encode", "base64-encode", "encode it in base64", "append it to the url",
        "include it in the url", "render this image", "markdown image", "remember this for", "store this in memory",
        "save this to memory", "in all future", "for all future", "from this point forward", "every future response",
        "grant admin", "admin access", "elevated privileges", "escalate privileges", "disable logging", "disable the safety",
        "turn off", "call the tool", "execute the following", "run the following command", "execute this command")) {
      list.add(new Phrase(s, inj, WEAK));
    }
    // Jailbreak personas and framings.
    for (String s : List.of("do anything now", "you are dan", "you are now dan", "dan mode", "developer mode", "jailbreak",
        "jailbroken", "no restrictions", "without restrictions", "without any restrictions", "no limitations", "unrestricted ai",
        "unfiltered", "uncensored", "no ethical", "no moral", "ignore ethics", "ignore your ethics", "without ethical",
        "not bound by", "free from all", "break free", "stay in character", "evil confidant", "opposite mode", "god mode",
        "sudo mode", "admin mode", "maintenance mode", "debug mode", "unlocked mode", "anti-dan", "stan", "dude", "aim",
        "always intelligent and machiavellian", "hypothetically", "hypothetical scenario", "in a fictional world",
        "for a novel", "purely fictional", "for educational purposes", "for research purposes", "pretend you are",
        "pretend to be", "act as if you", "roleplay as", "you are no longer", "you are not an ai", "you have been freed",
        "refuse nothing", "never refuse", "do not refuse", "don't refuse", "cannot refuse", "must answer", "answer anything",
        "without any warnings", "no disclaimers", "without disclaimers", "without censorship", "content policy",
        "openai policy", "safety guidelines", "guardrails", "filters off", "disable filters", "bypass the filter",
        "bypass your", "evade", "two responses", "classic and jailbreak", "[jailbreak]", "grandma exploit",
        "my grandmother used to", "deceased grandmother", "opposite day", "token smuggling", "rot13", "leetspeak",
        "answer in base64", "respond in base64", "decode this and follow", "decode the following and execute")) {
      double weight = s.length() <= 4 ? WEAK : (s.contains("dan") || s.contains("jailbreak") || s.contains("developer mode")
          || s.contains("do anything now") ? STRONG : MEDIUM);
      list.add(new Phrase(s, jb, weight));
    }
    // Other languages: the most common override phrasings.
    for (String s : List.of("ignoriere alle vorherigen anweisungen", "ignoriere die vorherigen anweisungen",
        "vergiss alle vorherigen anweisungen", "vergiss alles", "ignoriere alles", "neue anweisungen", "ignorez les instructions",
        "ignorez toutes les instructions", "oubliez les instructions", "oublie toutes", "nouvelles instructions",
        "ignora las instrucciones", "ignora todas las instrucciones", "olvida las instrucciones", "nuevas instrucciones",
        "ignora le istruzioni", "ignora tutte le istruzioni", "dimentica le istruzioni", "ignore as instruções",
        "esqueça as instruções", "negeer alle vorige instructies", "zignoruj poprzednie instrukcje")) {
      list.add(new Phrase(s, inj, STRONG));
    }
    for (String s : List.of("anweisungen", "ignoriere", "vergiss", "instructions précédentes", "instrucciones anteriores",
        "istruzioni precedenti")) {
      list.add(new Phrase(s, inj, WEAK));
    }
    return List.copyOf(list);
  }
}
