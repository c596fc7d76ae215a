package io.serenity.p2p.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;

/**
 * Prints node events: one readable line each, or with {@code --json} one JSON object per line (the
 * stable contract documented in docs/cli.md): {@code "event"} first, then the fields in the order
 * they were added.
 */
final class EventPrinter {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  private final PrintStream out;
  private final boolean json;

  EventPrinter(PrintStream out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** Starts an event; fields keep their insertion order. */
  Event event(String name) {
    return new Event(name);
  }

  final class Event {
    private final ObjectNode fields = NODES.objectNode();

    private Event(String name) {
      fields.put("event", name);
    }

    /**
     * Adds a field unless {@code value} is null: numbers and booleans as such, collections as arrays,
     * anything else as its {@code toString()}.
     */
    Event with(String key, Object value) {
      if (value != null) {
        fields.set(key, toJson(value));
      }
      return this;
    }

    /** Prints the event; {@code human} is the readable line used without --json. */
    void print(String human) {
      String line = json ? write(fields) : human;
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  private static JsonNode toJson(Object v) {
    return switch (v) {
      case null -> NullNode.getInstance();
      case Boolean b -> BooleanNode.valueOf(b);
      case Double d -> NODES.numberNode(d);
      case Float f -> NODES.numberNode(f);
      case BigDecimal d -> DecimalNode.valueOf(d);
      case BigInteger i -> NODES.numberNode(i);
      case Number n -> NODES.numberNode(n.longValue());
      case Collection<?> c -> {
        ArrayNode a = NODES.arrayNode(c.size());
        c.forEach(o -> a.add(toJson(o)));
        yield a;
      }
      case java.util.Map<?, ?> m -> {
        ObjectNode o = NODES.objectNode();
        m.forEach((k, x) -> o.set(String.valueOf(k), toJson(x)));
        yield o;
      }
      default -> TextNode.valueOf(String.valueOf(v));
    };
  }

  private static String write(ObjectNode event) {
    try {
      return MAPPER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always serializes
      throw new IllegalStateException(e);
    }
  }
}
