package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code --json} event lines: one compact object per line, "event" first, fields in the order given. */
class EventPrinterTest {
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

  private String printed() {
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonLineKeepsFieldOrderAndTypes() {
    new EventPrinter(out, true).event("devnet_summary")
        .with("nodes", 20)
        .with("router", "gossipsub")
        .with("deliveries", 3_000_000_000L)
        .with("deliveryRatio", 0.9875)
        .with("latencyMs", List.of(12.5, 40.25))
        .with("bytesSentPerNode", List.of(10L, 20L))
        .with("ok", true)
        .print("human");
    assertThat(printed()).isEqualTo("{\"event\":\"devnet_summary\",\"nodes\":20,\"router\":\"gossipsub\","
        + "\"deliveries\":3000000000,\"deliveryRatio\":0.9875,\"latencyMs\":[12.5,40.25],\"bytesSentPerNode\":[10,20],"
        + "\"ok\":true}" + System.lineSeparator());
  }

  @Test
  void nullFieldsAreLeftOutAndOtherObjectsAreTheirText() {
    new EventPrinter(out, true).event("message")
        .with("topic", "chat")
        .with("from", null)
        .with("file", Path.of("a", "b"))
        .with("protocols", Set.of("/ipfs/id/1.0.0"))
        .print("human");
    assertThat(printed().strip()).isEqualTo("{\"event\":\"message\",\"topic\":\"chat\",\"file\":\""
        + Path.of("a", "b") + "\",\"protocols\":[\"/ipfs/id/1.0.0\"]}");
  }

  @Test
  void stringsAreEscapedAndReadBackUnchanged() throws Exception {
    String why = "bad \"peer\"\\ said\nhi\tthere \u0001 ünïcode";
    new EventPrinter(out, true).event("error").with("what", "dial").with("why", why).print("human");
    String line = printed();
    assertThat(line).endsWith(System.lineSeparator());
    assertThat(line.strip()).doesNotContain("\n").contains("\\\"peer\\\"", "\\\\", "\\n", "\\t", "\\u0001");
    JsonNode read = new ObjectMapper().readTree(line);
    assertThat(read.get("event").textValue()).isEqualTo("error");
    assertThat(read.get("why").textValue()).isEqualTo(why);
  }

  @Test
  void bytesAreBase64AsTheJdkEncodesThemAndTheHumanLineIsNotMadeForJson() {
    byte[] data = new byte[1000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    java.util.concurrent.atomic.AtomicInteger humanLines = new java.util.concurrent.atomic.AtomicInteger();
    new EventPrinter(out, true).event("message").with("size", data.length).with("data", data)
        .print(() -> "human " + humanLines.incrementAndGet());
    assertThat(printed().strip()).isEqualTo("{\"event\":\"message\",\"size\":1000,\"data\":\""
        + java.util.Base64.getEncoder().encodeToString(data) + "\"}");
    assertThat(humanLines).hasValue(0);
    buf.reset();
    new EventPrinter(out, false).event("message").with("data", data).print(() -> "human " + humanLines.incrementAndGet());
    assertThat(printed()).isEqualTo("human 1" + System.lineSeparator());
  }

  @Test
  void withoutJsonTheHumanLineIsPrinted() {
    new EventPrinter(out, false).event("listening").with("peerId", "16Uiu2").print("listening as 16Uiu2");
    assertThat(printed()).isEqualTo("listening as 16Uiu2" + System.lineSeparator());
  }

  @Test
  void linesFromManyThreadsStayWhole() throws Exception {
    EventPrinter printer = new EventPrinter(out, true);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 200; i++) {
          printer.event("published").with("thread", id).with("i", i).print("human");
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    List<String> lines = printed().lines().toList();
    assertThat(lines).hasSize(800);
    ObjectMapper mapper = new ObjectMapper();
    for (String l : lines) {
      assertThat(mapper.readTree(l).get("event").textValue()).isEqualTo("published");
    }
  }

  @Test
  void aBatchWritesEveryLineAndFlushesOnceWhileSingleEventsFlushEach() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    int[] flushes = new int[1];
    java.io.OutputStream counting = new java.io.FilterOutputStream(sink) {
      @Override
      public void write(byte[] b, int off, int len) {
        sink.write(b, off, len);
      }

      @Override
      public void flush() {
        flushes[0]++;
      }
    };
    EventPrinter printer = new EventPrinter(new PrintStream(counting, false, StandardCharsets.UTF_8), true);
    printer.batch(() -> {
      for (int i = 0; i < 3; i++) {
        printer.event("message").with("n", i).print("human");
      }
    });
    assertThat(flushes[0]).isEqualTo(1);
    String nl = System.lineSeparator();
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("{\"event\":\"message\",\"n\":0}" + nl
        + "{\"event\":\"message\",\"n\":1}" + nl + "{\"event\":\"message\",\"n\":2}" + nl);
    printer.event("listening").print("human");
    printer.event("listening").print("human");
    assertThat(flushes[0]).isEqualTo(3);
    // a batch whose printing fails still flushes what it wrote and leaves the printer flushing per event
    try {
      printer.batch(() -> {
        printer.event("message").with("n", 3).print("human");
        throw new IllegalStateException("printing failed");
      });
    } catch (IllegalStateException expected) {
      // the test's own failure
    }
    assertThat(flushes[0]).isEqualTo(4);
    printer.event("listening").print("human");
    assertThat(flushes[0]).isEqualTo(5);
  }
}
