package io.serenity.p2p.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One benchmark result as a compact JSON object, the line that bench/pubsub-table.mjs and the
 * run-* scripts read: fields in the order they were put, measured decimals with a fixed number of
 * places (as {@code %.2f} would print them).
 *
 * <pre>JsonLine.of("pubsub-throughput").put("messages", 20000).put("msgPerSec", 41234.56, 0)</pre>
 */
final class JsonLine {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode fields = MAPPER.createObjectNode();

  private JsonLine() {}

  /** A result whose first field is {@code "bench": bench}. */
  static JsonLine of(String bench) {
    return object().put("bench", bench);
  }

  /** An empty object, for a nested group of fields. */
  static JsonLine object() {
    return new JsonLine();
  }

  JsonLine put(String key, String value) {
    fields.put(key, value);
    return this;
  }

  JsonLine put(String key, long value) {
    fields.put(key, value);
    return this;
  }

  /** {@code value} rounded half-up to {@code places} decimals; NaN and infinities, which JSON lacks, as null. */
  JsonLine put(String key, double value, int places) {
    if (Double.isFinite(value)) {
      fields.set(key, DecimalNode.valueOf(BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP)));
    } else {
      fields.putNull(key);
    }
    return this;
  }

  JsonLine put(String key, JsonLine nested) {
    fields.set(key, nested.fields);
    return this;
  }

  /** The object on one line, without a line end. */
  @Override
  public String toString() {
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always serializes
      throw new IllegalStateException(e);
    }
  }
}
