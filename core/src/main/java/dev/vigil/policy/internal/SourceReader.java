package dev.vigil.policy.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses YAML or JSON (JSON when the text starts with '{' or '[') into {@link SourceNode}s that
 * carry line and column, using Jackson's streaming parser. Syntax errors and duplicate keys go to
 * {@link Problems}; the result is null when the text cannot be parsed at all.
 */
public final class SourceReader {

  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();

  private SourceReader() {}

  public static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[';
      }
    }
    return false;
  }

  public static SourceNode read(String text, Problems problems) {
    JsonFactory factory = looksLikeJson(text) ? JSON : YAML;
    try (JsonParser parser = factory.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        problems.add(1, 1, null, "", "the policy is empty");
        return null;
      }
      SourceNode root = readValue(parser, first, "", problems);
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        problems.add(at.getLineNr(), at.getColumnNr(), null, "", "only one document is allowed per policy");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.add(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), null, "",
          "syntax error: " + e.getOriginalMessage());
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SourceNode readValue(JsonParser parser, JsonToken token, String path, Problems problems)
      throws IOException {
    JsonLocation at = parser.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    switch (token) {
      case START_OBJECT: {
        Map<String, SourceNode> entries = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String key = parser.currentName();
          JsonLocation keyAt = parser.currentTokenLocation();
          SourceNode value = readValue(parser, parser.nextToken(), path + "/" + key, problems);
          if (entries.containsKey(key)) {
            problems.add(keyAt.getLineNr(), keyAt.getColumnNr(), null, path + "/" + key, "duplicate key '" + key + "'");
          }
          entries.put(key, value);
        }
        return new SourceNode.MapNode(entries, line, column);
      }
      case START_ARRAY: {
        List<SourceNode> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          items.add(readValue(parser, t, path + "/" + items.size(), problems));
        }
        return new SourceNode.ListNode(items, line, column);
      }
      case VALUE_NUMBER_INT: {
        Number number = parser.getNumberValue();
        Object value = number instanceof BigInteger big ? big : (Object) number.longValue();
        return new SourceNode.ScalarNode(value, line, column);
      }
      case VALUE_NUMBER_FLOAT:
        return new SourceNode.ScalarNode(parser.getDoubleValue(), line, column);
      case VALUE_TRUE:
        return new SourceNode.ScalarNode(Boolean.TRUE, parser.getText(), line, column);
      case VALUE_FALSE:
        return new SourceNode.ScalarNode(Boolean.FALSE, parser.getText(), line, column);
      case VALUE_NULL:
        return new SourceNode.ScalarNode(null, line, column);
      default:
        return new SourceNode.ScalarNode(parser.getText(), line, column);
    }
  }
}
