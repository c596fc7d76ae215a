package io.serenity.p2p.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The simulator's JSON, read and written by Jackson. Scenarios are read strictly (RFC 8259 only:
 * duplicate keys, trailing commas, comments and trailing text are {@link ScenarioException}s with
 * the line, column and offset); summaries are written indented by two spaces with numbers to six
 * significant digits, so two runs of one scenario give byte-identical files.
 */
final class JsonFormat {
  private static final int MAX_DEPTH = 64;
  private static final MathContext SIGNIFICANT = new MathContext(6, RoundingMode.HALF_UP);

  private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private static final ObjectWriter INDENTED = MAPPER.writer(indented());

  private JsonFormat() {}

  /** {@code "key": value}, two-space indent, "\n" line ends on every platform, "{}" and "[]" when empty. */
  private static DefaultPrettyPrinter indented() {
    DefaultIndenter twoSpaces = new DefaultIndenter("  ", "\n");
    Separators separators = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator("");
    return new DefaultPrettyPrinter(separators).withObjectIndenter(twoSpaces).withArrayIndenter(twoSpaces);
  }

  /** Parses one JSON value spanning the whole text. */
  static JsonNode read(String text) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ScenarioException("bad JSON at " + where(e.getLocation()) + ": " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new ScenarioException("bad JSON at line 1, column 1 (offset 0): no value");
    }
    return root;
  }

  private static String where(JsonLocation at) {
    if (at == null) {
      return "an unknown place";
    }
    return "line " + at.getLineNr() + ", column " + at.getColumnNr() + " (offset " + at.getCharOffset() + ")";
  }

  /** An empty object to fill in insertion order. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * {@code d} to six significant digits: a whole number as an integer, NaN and infinities as null
   * (JSON has no such numbers).
   */
  static JsonNode number(double d) {
    if (!Double.isFinite(d)) {
      return NullNode.getInstance();
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return LongNode.valueOf((long) d);
    }
    BigDecimal rounded = BigDecimal.valueOf(d).round(SIGNIFICANT).stripTrailingZeros();
    if (rounded.scale() <= 0 && rounded.abs().compareTo(BigDecimal.valueOf(1e15)) < 0) {
      return LongNode.valueOf(rounded.longValueExact());
    }
    return DecimalNode.valueOf(rounded);
  }

  /** {@code node} as indented JSON ending in a newline. */
  static String write(JsonNode node) {
    try {
      return INDENTED.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always serializes
      throw new IllegalStateException(e);
    }
  }
}
