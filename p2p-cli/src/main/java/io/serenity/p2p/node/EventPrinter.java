package io.serenity.p2p.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Prints node events: one readable line each, or with {@code --json} one JSON object per line (the
 * stable contract documented in docs/cli.md): {@code "event"} first, then the fields in the order
 * they were added. Written with Jackson's streaming generator: the object mapper would cost each run
 * of the command about 0.2 s of CPU and 300 classes to load, for lines this simple.
 */
final class EventPrinter {
  private static final JsonFactory JSON = new JsonFactory();
  /**
   * For lines written straight to the output: the generator leaves the stream open and does not
   * flush it; {@link Event#emitJson} ends the line and flushes once.
   */
  private static final JsonFactory STREAMING =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
          .build();

  private static final byte[] NEWLINE = System.lineSeparator().getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final PrintStream out;
  private final boolean json;
  /** Set by {@link #batch} (under the output's lock): lines are written, the flush waits for its end. */
  private boolean deferFlush;
  /**
   * Base64 of a byte-array field, under the output's lock: the JDK's encoder (an intrinsic) writes
   * it here and the generator copies it as the string's raw UTF-8. Jackson's own base64 cost 1.2 us
   * per KiB against 0.1 (the printing of a received 1 KiB message spent a third of its time in it).
   */
  private byte[] base64 = new byte[0];
  private static final int KEPT_BASE64 = 1 << 20;

  /**
   * A printer to standard output through a 64 KiB buffer that only this printer flushes (at the end
   * of each event, or of each {@link #batch}), so a batch of lines leaves in a few large writes.
   * {@code System.out} itself flushes at every line and passes large writes straight through.
   */
  static EventPrinter toStdout(boolean json) {
    return new EventPrinter(
        new PrintStream(new java.io.BufferedOutputStream(System.out, 1 << 16), false, System.out.charset()), json);
  }

  EventPrinter(PrintStream out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /**
   * Runs {@code prints} (events printed with this printer) with one flush at the end instead of one
   * per line; other threads' events wait until it ends.
   */
  void batch(Runnable prints) {
    synchronized (out) {
      deferFlush = true;
      try {
        prints.run();
      } finally {
        deferFlush = false;
        out.flush();
      }
    }
  }

  /** Starts an event; fields keep their insertion order. */
  Event event(String name) {
    return new Event(name);
  }

  final class Event {
    // fields in insertion order, "event" first: a few per event, so a scan beats a map (and per
    // printed message, the map and its entries were most of what an event allocated)
    private String[] keys = new String[8];
    private Object[] values = new Object[8];
    private int size;

    private Event(String name) {
      keys[0] = "event";
      values[0] = name;
      size = 1;
    }

    /**
     * Adds a field unless {@code value} is null: numbers and booleans as such, collections as arrays,
     * maps as objects, byte arrays as base64 strings, anything else as its {@code toString()}. A key
     * added twice keeps its first place and its last value.
     */
    Event with(String key, Object value) {
      if (value == null) {
        return this;
      }
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          values[i] = value;
          return this;
        }
      }
      if (size == keys.length) {
        keys = java.util.Arrays.copyOf(keys, size * 2);
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size++] = value;
      return this;
    }

    /** Prints the event; {@code human} is the readable line used without --json. */
    void print(String human) {
      print(() -> human);
    }

    /**
     * Prints the event; {@code human} makes the readable line used without --json, and is not called
     * with it (for events printed per message, where that line costs as much as the JSON).
     */
    void print(java.util.function.Supplier<String> human) {
      if (json) {
        emitJson();
      } else {
        emit(human.get());
      }
    }

    /**
     * Writes the JSON line as UTF-8 straight into the output's buffer: no String of the line and
     * no second encoding of it (per message, these were a third of the printing thread's time).
     */
    private void emitJson() {
      synchronized (out) {
        try (JsonGenerator g = STREAMING.createGenerator(out, JsonEncoding.UTF8)) {
          g.writeStartObject();
          for (int i = 0; i < size; i++) {
            g.writeFieldName(keys[i]);
            if (values[i] instanceof byte[] b) {
              writeBase64(g, b);
            } else {
              writeValue(g, values[i]);
            }
          }
          g.writeEndObject();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write an event as JSON", e); // a PrintStream does not throw
        }
        out.write(NEWLINE, 0, NEWLINE.length);
        if (!deferFlush) {
          out.flush();
        }
      }
    }

    /** {@code b} as a base64 string, as {@link #writeValue} writes it, without Jackson's encoder. */
    private void writeBase64(JsonGenerator g, byte[] b) throws IOException {
      int n = 4 * ((b.length + 2) / 3);
      byte[] to = base64;
      if (to.length < n) {
        // kept for the next message up to 1 MiB of text; a larger one gets an array of its own
        to = n <= KEPT_BASE64 ? (base64 = new byte[Math.max(n, Math.min(2 * to.length, KEPT_BASE64))]) : new byte[n];
      }
      int written = java.util.Base64.getEncoder().encode(b, to);
      g.writeRawUTF8String(to, 0, written); // quoted; base64 has nothing to escape
    }

    private void emit(String line) {
      synchronized (out) {
        out.println(line);
        if (!deferFlush) {
          out.flush();
        }
      }
    }
  }

  /** {@code fields} as one line of JSON. */
  static String write(Map<String, ?> fields) {
    StringWriter w = new StringWriter(128);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      writeValue(g, fields);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an event as JSON", e); // a StringWriter does not fail
    }
    return w.toString();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Boolean b -> g.writeBoolean(b);
      case Double d -> g.writeNumber(d);
      case Float f -> g.writeNumber(f);
      case BigDecimal d -> g.writeNumber(d);
      case BigInteger i -> g.writeNumber(i);
      case Number n -> g.writeNumber(n.longValue());
      case byte[] b -> g.writeBinary(b); // base64, as java.util.Base64's basic encoder writes it
      case Collection<?> c -> {
        g.writeStartArray();
        for (Object o : c) {
          writeValue(g, o);
        }
        g.writeEndArray();
      }
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          writeValue(g, e.getValue());
        }
        g.writeEndObject();
      }
      default -> g.writeString(String.valueOf(v));
    }
  }
}
