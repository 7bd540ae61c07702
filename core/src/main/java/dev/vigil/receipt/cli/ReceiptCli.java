package dev.vigil.receipt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.receipt.ChainAnchor;
import dev.vigil.receipt.ChainProblem;
import dev.vigil.receipt.ChainVerifier;
import dev.vigil.receipt.Receipt;
import dev.vigil.receipt.VerificationResult;

/**
 * {@code vigil receipts verify <export>}: checks a chain exported by {@code GET /v1/receipts?agent=...} (the response
 * body, a JSON array of receipts, or one receipt per line) with nothing but the file itself: every hash is recomputed
 * over the receipt's canonical JSON and every link followed. Exit 0 when it verifies, 1 when it does not, 2 on bad use.
 */
public final class ReceiptCli {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReceiptCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2 || !args[0].equals("verify")) {
      err.println("usage: vigil receipts verify <export.json | export.jsonl>");
      return 2;
    }
    List<Receipt> receipts;
    try {
      receipts = read(Path.of(args[1]));
    } catch (IOException | RuntimeException e) {
      err.println("cannot read " + args[1] + ": " + e.getMessage());
      return 2;
    }
    if (receipts.isEmpty()) {
      err.println(args[1] + " holds no receipts");
      return 2;
    }
    Receipt first = receipts.get(0);
    ChainAnchor anchor = first.sequence() == 1 ? ChainAnchor.GENESIS
        : new ChainAnchor(first.sequence() - 1, first.prevHash());
    VerificationResult result = ChainVerifier.verify(first.chainId(), anchor, receipts);
    if (result.valid()) {
      out.println("OK: chain " + first.chainId() + ", " + result.count() + " receipts (sequence " + first.sequence()
          + " to " + receipts.get(receipts.size() - 1).sequence() + "), head " + result.headHash()
          + (first.sequence() == 1 ? "" : "; anchored on the exported prevHash of the first receipt"));
      return 0;
    }
    out.println("FAILED: chain " + first.chainId() + ", " + result.verifiedCount() + " of " + result.count()
        + " receipts verified before the first problem");
    for (ChainProblem problem : result.problems()) {
      out.println("  " + problem);
    }
    return 1;
  }

  static List<Receipt> read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    List<Receipt> receipts = new ArrayList<>();
    if (text.startsWith("{") && !text.contains("\n{")) {
      JsonNode root = JSON.readTree(text);
      JsonNode list = root.has("receipts") ? root.get("receipts") : null;
      if (list == null) {
        receipts.add(Receipt.fromJson(root));
      } else {
        list.forEach(node -> receipts.add(Receipt.fromJson(node)));
      }
    } else if (text.startsWith("[")) {
      JSON.readTree(text).forEach(node -> receipts.add(Receipt.fromJson(node)));
    } else {
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          receipts.add(Receipt.fromJson(JSON.readTree(line)));
        }
      }
    }
    return receipts;
  }
}
