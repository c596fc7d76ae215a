package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks docs/library.md as a new user does: installs the library with the page's command, builds an
 * empty Maven project out of the page's snippets alone (the properties, the BOM import, the two
 * dependencies and Hello.java, in the places the page names), and runs it with the page's command,
 * which must print bob's line. {@code examples/hello} (HelloTest, LibraryDocTest) keeps the snippets
 * compiling; this test proves that the page, followed in order, is enough.
 *
 * <p>The install runs in a copy of the source tree (as in a fresh clone, without build output), so
 * it cannot rewrite the jars that the build running this test is using. Two differences from a
 * person at a terminal: the install is limited to the modules the page's project uses ({@code -pl
 * p2p-bom,p2p-server -am}), and the page's {@code mvn} is this repository's wrapper, so no Maven
 * needs to be installed.
 */
class LibraryWalkIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```$");

  @Test
  void theLibraryPageFollowedInOrderEndsWithTwoNodesTalking(@TempDir Path work) throws Exception {
    Path checkout = work.resolve("checkout");
    Path project = work.resolve("hello-walk");
    Files.createDirectories(project);
    String page = Files.readString(ROOT.resolve("docs/library.md"), StandardCharsets.UTF_8);
    List<String> sh = blocks(page, "sh");
    List<String> xml = blocks(page, "xml");
    List<String> java = blocks(page, "java");
    assertThat(sh).as("shell blocks: install, run").hasSize(2);
    assertThat(xml).as("xml blocks: properties, BOM import, dependencies").hasSize(3);
    assertThat(java).as("java blocks: Hello.java").hasSize(1);

    // 1. install
    String install = sh.get(0).strip();
    assertThat(install).isEqualTo("./mvnw install -DskipTests");
    copySources(ROOT, checkout);
    run(checkout, 900, "./mvnw", "-B", "-q", "install", "-DskipTests", "-Djacoco.skip=true",
        "-pl", "p2p-bom,p2p-server", "-am");

    // 2 and 3. an empty project with the page's blocks: properties, dependencyManagement, dependencies
    String pom = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
        + "<modelVersion>4.0.0</modelVersion>\n"
        + "<groupId>com.example</groupId>\n<artifactId>hello-walk</artifactId>\n<version>1</version>\n"
        + xml.get(0) + xml.get(1) + "<dependencies>\n" + xml.get(2) + "</dependencies>\n</project>\n";
    Files.writeString(project.resolve("pom.xml"), pom);

    // 4. Hello.java, where the page puts it
    Matcher where = Pattern.compile("`(src/main/java/[\\w/]+\\.java)`:").matcher(page);
    assertThat(where.find()).as("the page names the file of its java block").isTrue();
    Path source = project.resolve(where.group(1));
    Files.createDirectories(source.getParent());
    Files.writeString(source, java.get(0));

    // 5. run it with the page's command
    String command = sh.get(1).strip();
    assertThat(command).startsWith("mvn ");
    List<String> argv = new ArrayList<>();
    argv.add(ROOT.resolve("mvnw").toString());
    argv.add("-B");
    argv.addAll(List.of(command.substring("mvn ".length()).split("\\s+")));
    String out = run(project, 300, argv.toArray(String[]::new));
    assertThat(out).containsPattern("(?m)^bob received 'hello, bob' from \\w+ \\(alice\\)$");
  }

  /** The source tree without build output, dependencies or history, executable bits kept. */
  private static void copySources(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a)
          throws IOException {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        if (!dir.equals(from) && (name.equals(".git") || name.equals("target") || name.equals("node_modules"))) {
          return java.nio.file.FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a)
          throws IOException {
        if (a.isRegularFile()) {
          Files.copy(file, to.resolve(from.relativize(file).toString()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
  }

  /** Runs a command to its end, within {@code seconds}; returns its output, failing on a non-zero exit. */
  private static String run(Path dir, int seconds, String... argv) throws IOException, InterruptedException {
    Path log = Files.createTempFile("library-walk", ".log");
    try {
      Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(ended).as("%s ends within %d s; output:%n%s", String.join(" ", argv), seconds, out).isTrue();
      assertThat(p.exitValue()).as("%s exit code; output:%n%s", String.join(" ", argv), out).isZero();
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static List<String> blocks(String markdown, String lang) {
    List<String> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(markdown);
    while (m.find()) {
      if (m.group(1).equals(lang)) {
        out.add(m.group(2));
      }
    }
    return out;
  }
}
