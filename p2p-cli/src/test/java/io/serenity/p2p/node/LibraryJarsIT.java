package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
      "p2p-host", "io.serenity.p2p.host.Host",
      "p2p-pubsub", "io.serenity.p2p.pubsub.PubSub",
      "p2p-server", "io.serenity.p2p.server.Server",
      "p2p-sim", "io.serenity.p2p.sim.Simulator",
      "p2p-metrics", "io.serenity.p2p.metrics.P2pMetrics",
      "p2p-eth2", "io.serenity.p2p.eth2.Eth2Server");

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
