package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Keeps docs/library.md and the README's Maven snippets true: every java block of the doc is in
 * the example's source character for character, every xml block is in this module's pom.xml (up
 * to indentation, since the doc shows pom fragments unindented), and the BOM version the example
 * imports is the version the build makes.
 */
class LibraryDocTest {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path ROOT = MODULE.getParent().getParent();
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```$");

  @Test
  void everyJavaSnippetOfTheDocIsInTheExampleSource() throws IOException {
    String source;
    try (Stream<Path> files = Files.walk(MODULE.resolve("src/main/java"))) {
      source = files.filter(p -> p.toString().endsWith(".java"))
          .map(LibraryDocTest::read)
          .collect(Collectors.joining("\n"));
    }
    List<String> java = blocks(ROOT.resolve("docs/library.md"), "java");
    assertFalse(java.isEmpty(), "docs/library.md has no java block");
    for (String snippet : java) {
      assertTrue(source.contains(snippet), "not in examples/hello/src/main/java:\n" + snippet);
    }
  }

  @Test
  void everyXmlSnippetOfTheDocAndReadmeIsInTheExamplePom() {
    String pom = "\n" + unindent(read(MODULE.resolve("pom.xml")));
    List<String> xml = new ArrayList<>(blocks(ROOT.resolve("docs/library.md"), "xml"));
    assertFalse(xml.isEmpty(), "docs/library.md has no xml block");
    List<String> readme = blocks(ROOT.resolve("README.md"), "xml");
    assertFalse(readme.isEmpty(), "README.md has no xml block");
    xml.addAll(readme);
    for (String snippet : xml) {
      assertTrue(pom.contains("\n" + unindent(snippet)), "not in examples/hello/pom.xml:\n" + snippet);
    }
  }

  @Test
  void theExampleImportsTheBomOfThisBuild() throws Exception {
    String built = text(xml(ROOT.resolve("pom.xml")).getDocumentElement(), "version");
    assertEquals(built, text(xml(ROOT.resolve("p2p-bom/pom.xml")).getDocumentElement(), "version"),
        "p2p-bom/pom.xml has its own version (no parent); keep it equal to the build's");
    NodeList deps = xml(MODULE.resolve("pom.xml")).getElementsByTagName("dependency");
    String imported = null;
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      if ("p2p-bom".equals(text(d, "artifactId"))) {
        imported = text(d, "version");
      }
    }
    assertEquals(built, imported, "the BOM version in examples/hello/pom.xml (and so in the docs)");
  }

  /** The bodies of the {@code ```lang} blocks of a markdown file. */
  private static List<String> blocks(Path markdown, String lang) {
    List<String> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(read(markdown));
    while (m.find()) {
      if (m.group(1).equals(lang)) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  private static String unindent(String s) {
    return s.lines().map(String::strip).collect(Collectors.joining("\n", "", "\n"));
  }

  private static Document xml(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  /** The text of {@code parent}'s direct child element {@code name}. */
  private static String text(Element parent, String name) {
    for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().strip();
      }
    }
    return null;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p, e);
    }
  }
}
