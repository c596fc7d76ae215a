package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the example's main, as a user would, and checks that the greeting crossed from alice to bob. */
class HelloTest {

  @Test
  @Timeout(90)
  void bobReceivesAlicesGreeting() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      Hello.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertTrue(printed.matches("(?s).*bob received 'hello, bob' from \\w+ \\(alice\\)\\R.*"), printed);
  }
}
