package io.serenity.p2p.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One in-process run of the command line ({@link Main#execute}) with its standard output and error
 * captured together. Runs are serialised, since they swap {@code System.out} and {@code System.err}.
 *
 * @param exit the exit code
 * @param output everything printed, events and log lines
 */
record CliRun(int exit, String output) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs {@code p2p-node args...} and returns what it printed and its exit code. */
  static synchronized CliRun of(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try {
      int exit = Main.execute(args);
      return new CliRun(exit, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** The output without log lines (those start with a timestamp): what the command itself printed. */
  String withoutLogLines() {
    return output.lines()
        .filter(l -> !l.matches("\\d{4}-\\d\\d-\\d\\dT.*"))
        .map(l -> l + "\n")
        .collect(Collectors.joining());
  }

  /** The {@code --json} events by name, the last of each. */
  Map<String, JsonNode> events() {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("{\"event\"")) {
        JsonNode n = read(line);
        m.put(n.get("event").asText(), n);
      }
    }
    return m;
  }

  /** The last {@code --json} event named {@code name}; fails the test naming the output when there is none. */
  JsonNode event(String name) {
    JsonNode n = events().get(name);
    if (n == null) {
      throw new AssertionError("no " + name + " event in:\n" + output);
    }
    return n;
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON line: " + line, e);
    }
  }
}
