package io.serenity.p2p.node;

import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints node events: one readable line each, or with {@code --json} one JSON object per line (the
 * stable contract documented in docs/cli.md).
 */
final class EventPrinter {
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
    private final String name;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Event(String name) {
      this.name = name;
    }

    Event with(String key, Object value) {
      if (value != null) {
        fields.put(key, value);
      }
      return this;
    }

    /** Prints the event; {@code human} is the readable line used without --json. */
    void print(String human) {
      String line;
      if (json) {
        StringBuilder sb = new StringBuilder("{\"event\":").append(quote(name));
        fields.forEach((k, v) -> sb.append(',').append(quote(k)).append(':').append(value(v)));
        line = sb.append('}').toString();
      } else {
        line = human;
      }
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  private static String value(Object v) {
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : c) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(value(o));
      }
      return sb.append(']').toString();
    }
    return quote(String.valueOf(v));
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
