package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The library jars as users get them (this module depends on every one, and failsafe runs after
 * they are packaged): each module the BOM lists is a jar whose manifest names it on the module path,
 * {@code Automatic-Module-Name: io.serenity.p2p.<artifactId without "p2p-">}, and no two of them
 * share a package, so all can sit on the module path together.
 */
class LibraryJarsIT {

  /** One public class per library module, to find its jar. */
  private static final Map<String, String> A_CLASS_OF = Map.of(
      "p2p-core", "io.serenity.p2p.core.PeerId",
      "p2p-transport", "io.serenity.p2p.multistream.MultistreamSelect",
      "p2p-quic", "io.serenity.p2p.quic.QuicTransport",
      "p2p-host", "io.serenity.p2p.host.Host",
      "p2p-pubsub", "io.serenity.p2p.pubsub.PubSub",
      "p2p-server", "io.serenity.p2p.server.Server",
      "p2p-sim", "io.serenity.p2p.sim.Simulator",
      "p2p-metrics", "io.serenity.p2p.metrics.P2pMetrics",
      "p2p-eth2", "io.serenity.p2p.eth2.Eth2Server",
      "p2p-discv5", "io.serenity.p2p.discv5.Discv5Exception");

  @Test
  void everyModuleOfTheBomIsAJarWithItsAutomaticModuleName() throws Exception {
    assertThat(A_CLASS_OF.keySet()).isEqualTo(bomModules());
    Map<String, String> packageOwner = new HashMap<>();
    for (Map.Entry<String, String> e : A_CLASS_OF.entrySet()) {
      String artifact = e.getKey();
      Path jar = Path.of(Class.forName(e.getValue()).getProtectionDomain().getCodeSource().getLocation().toURI());
      assertThat(jar.getFileName().toString()).as("%s comes from a packaged jar", artifact).endsWith(".jar");

      String expected = "io.serenity.p2p." + artifact.substring("p2p-".length());
      try (JarFile f = new JarFile(jar.toFile())) {
        assertThat(f.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
            .as("Automatic-Module-Name of %s", jar).isEqualTo(expected);
      }
      // what the module system itself makes of the jar: the name, and the packages it holds
      Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
      assertThat(found).hasSize(1);
      ModuleDescriptor d = found.iterator().next().descriptor();
      assertThat(d.isAutomatic()).isTrue();
      assertThat(d.name()).isEqualTo(expected);
      for (String p : d.packages()) {
        String other = packageOwner.put(p, artifact);
        assertThat(other).as("package %s is in both %s and %s", p, other, artifact).isNull();
      }
    }
  }

  /**
   * The public API is what the library jars make public outside their {@code internal} packages,
   * and it is a decision, not an accident: the list in docs/api/public-types.txt is compared with
   * the jars, so a type that becomes public (or stops being) shows up in review. Automatic modules
   * export every package, so internal helpers that other modules of the library need live in
   * packages named {@code internal}, which users are told not to use.
   */
  @Test
  void thePublicTypesOutsideInternalPackagesAreTheDocumentedApi() throws Exception {
    Set<String> actual = new TreeSet<>();
    for (String anyClass : A_CLASS_OF.values()) {
      Path jar = jarOf(anyClass);
      try (JarFile f = new JarFile(jar.toFile())) {
        for (JarEntry entry : java.util.Collections.list(f.entries())) {
          String name = entry.getName();
          if (!name.endsWith(".class") || name.contains("$") || name.endsWith("package-info.class")
              || name.startsWith("META-INF/")) {
            continue;
          }
          String type = name.substring(0, name.length() - ".class".length()).replace('/', '.');
          if (type.contains(".internal.")) {
            continue;
          }
          Class<?> c = Class.forName(type, false, LibraryJarsIT.class.getClassLoader());
          if (Modifier.isPublic(c.getModifiers())) {
            actual.add(type);
          }
        }
      }
    }
    Path listed = Path.of("../docs/api/public-types.txt");
    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(listed)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        documented.add(line.strip());
      }
    }
    Set<String> unlisted = new TreeSet<>(actual);
    unlisted.removeAll(documented);
    Set<String> gone = new TreeSet<>(documented);
    gone.removeAll(actual);
    Files.write(Path.of("target/public-types.actual.txt"), actual);
    assertThat(unlisted).as("public types not in %s (internal helpers belong in an internal package)", listed)
        .isEmpty();
    assertThat(gone).as("types listed in %s that are no longer public", listed).isEmpty();
  }

  /**
   * The libraries log through slf4j-api only and leave the choice of binding to the application:
   * no library jar is a provider and no library pom brings one in outside test scope. The command,
   * an application, ships exactly one: logback.
   */
  @Test
  void onlyTheCommandShipsAnSlf4jBinding() throws Exception {
    Set<String> bindings = Set.of("logback-classic", "slf4j-simple", "slf4j-nop", "slf4j-reload4j", "slf4j-jdk14",
        "slf4j-log4j12", "log4j-slf4j-impl", "log4j-slf4j2-impl", "slf4j-jcl");
    Pattern dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    for (Map.Entry<String, String> e : A_CLASS_OF.entrySet()) {
      try (JarFile f = new JarFile(jarOf(e.getValue()).toFile())) {
        assertThat(f.getEntry(PROVIDER_SERVICE)).as("%s registers an SLF4J provider", e.getKey()).isNull();
      }
      String pom = Files.readString(Path.of("..", e.getKey(), "pom.xml"));
      Matcher m = dependency.matcher(pom);
      while (m.find()) {
        String dep = m.group(1);
        Matcher artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(dep);
        assertThat(artifact.find()).isTrue();
        if (bindings.contains(artifact.group(1).strip())) {
          assertThat(dep).as("%s depends on the SLF4J binding %s", e.getKey(), artifact.group(1))
              .contains("<scope>test</scope>");
        }
      }
    }
    try (JarFile node = new JarFile(Path.of("target/p2p-node.jar").toFile())) {
      java.util.zip.ZipEntry services = node.getEntry(PROVIDER_SERVICE);
      assertThat(services).as("p2p-node.jar registers an SLF4J provider").isNotNull();
      String providers = new String(node.getInputStream(services).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(providers.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList())
          .containsExactly("ch.qos.logback.classic.spi.LogbackServiceProvider");
    }
  }

  private static final String PROVIDER_SERVICE = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";

  private static Path jarOf(String className) throws Exception {
    return Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The artifactIds in p2p-bom/pom.xml. */
  private static Set<String> bomModules() throws Exception {
    String bom = Files.readString(Path.of("../p2p-bom/pom.xml"));
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("<artifactId>(p2p-[a-z0-9]+)</artifactId>").matcher(bom);
    while (m.find()) {
      if (!m.group(1).equals("p2p-bom")) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
