package dev.vigil.receipt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vigil.receipt.ReceiptChain;

class ReceiptCliTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode export(int n) {
    ReceiptChain chain = ReceiptChain.genesis("agent:a-1");
    ObjectNode export = JSON.createObjectNode().put("chainId", "agent:a-1");
    ArrayNode receipts = export.putArray("receipts");
    for (int i = 1; i <= n; i++) {
      ObjectNode body = JSON.createObjectNode().put("decision", i % 2 == 0 ? "deny" : "allow").put("action", "file.read");
      receipts.add(chain.append("decision", body, Instant.parse("2026-11-22T00:00:00Z").plusSeconds(i), "agent:a-1:" + i).toJson());
    }
    return export;
  }

  static int run(Path file, StringBuilder output) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = ReceiptCli.run(new String[] {"verify", file.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    output.append(out.toString(StandardCharsets.UTF_8));
    return code;
  }

  @Test
  void anExportedChainVerifiesOfflineAndAnEditedOneDoesNot(@TempDir Path dir) throws Exception {
    ObjectNode export = export(4);
    Path good = dir.resolve("good.json");
    Files.writeString(good, export.toString());
    StringBuilder output = new StringBuilder();
    assertEquals(0, run(good, output), output.toString());
    assertTrue(output.toString().startsWith("OK: chain agent:a-1, 4 receipts"));

    ((ObjectNode) export.get("receipts").get(1).get("body")).put("decision", "allow");
    Path edited = dir.resolve("edited.json");
    Files.writeString(edited, export.toString());
    StringBuilder failed = new StringBuilder();
    assertEquals(1, run(edited, failed));
    assertTrue(failed.toString().contains("HASH_MISMATCH"), failed.toString());
  }

  @Test
  void oneReceiptPerLineAndARangeAnchoredOnItsFirstPrevHashAreAccepted(@TempDir Path dir) throws Exception {
    ArrayNode receipts = (ArrayNode) export(5).get("receipts");
    StringBuilder lines = new StringBuilder();
    for (int i = 2; i < 5; i++) {
      lines.append(receipts.get(i).toString()).append('\n');
    }
    Path range = dir.resolve("range.jsonl");
    Files.writeString(range, lines.toString());
    StringBuilder output = new StringBuilder();
    assertEquals(0, run(range, output), output.toString());

    String reordered = receipts.get(3) + "\n" + receipts.get(2) + "\n";
    Path swapped = dir.resolve("swapped.jsonl");
    Files.writeString(swapped, reordered);
    assertEquals(1, run(swapped, new StringBuilder()));
    assertEquals(2, ReceiptCli.run(new String[] {"check"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream())));
  }
}
