package io.serenity.p2p.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An undirected simple graph on nodes 0..n-1 (who is connected to whom), built from a scenario's
 * topology. Random graphs use the configuration model (stubs paired at random, self-loops and
 * repeated pairs re-drawn a bounded number of times, then dropped) and are then made connected by
 * linking components, so a topology never splits the network by accident.
 */
final class Graph {
  private final List<int[]> edges = new ArrayList<>();
  private final java.util.Set<Long> present = new java.util.HashSet<>();
  private int n;

  Graph(int n) {
    this.n = n;
  }

  int nodes() {
    return n;
  }

  List<int[]> edges() {
    return edges;
  }

  boolean addEdge(int a, int b) {
    if (a == b || a < 0 || b < 0 || a >= n || b >= n) {
      return false;
    }
    // scrambled: Long.hashCode of (min << 32 | max) collides massively
    long key = Simulator.mix((long) Math.min(a, b) << 32 | Math.max(a, b));
    if (!present.add(key)) {
      return false;
    }
    edges.add(new int[] {a, b});
    return true;
  }

  boolean hasEdge(int a, int b) {
    return present.contains(Simulator.mix((long) Math.min(a, b) << 32 | Math.max(a, b)));
  }

  /** Adds a node and returns its index. */
  int addNode() {
    return n++;
  }

  int[] degrees() {
    int[] d = new int[n];
    for (int[] e : edges) {
      d[e[0]]++;
      d[e[1]]++;
    }
    return d;
  }

  static Graph build(Scenario.Topology t, int n, SplittableRandom random) throws IOException {
    Graph g = new Graph(n);
    switch (t.type()) {
      case "line" -> {
        for (int i = 0; i + 1 < n; i++) {
          g.addEdge(i, i + 1);
        }
      }
      case "ring" -> {
        for (int i = 0; i < n; i++) {
          g.addEdge(i, (i + 1) % n);
        }
      }
      case "complete" -> {
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            g.addEdge(i, j);
          }
        }
      }
      case "random-regular" -> {
        int[] deg = new int[n];
        Arrays.fill(deg, t.degree());
        g.configurationModel(deg, random);
      }
      case "degrees" -> {
        int[] deg = new int[n];
        double total = t.degrees().values().stream().mapToDouble(Double::doubleValue).sum();
        for (int i = 0; i < n; i++) {
          double r = random.nextDouble() * total;
          int chosen = 1;
          for (Map.Entry<Integer, Double> e : t.degrees().entrySet()) {
            chosen = e.getKey();
            r -= e.getValue();
            if (r < 0) {
              break;
            }
          }
          deg[i] = Math.min(chosen, n - 1);
        }
        g.configurationModel(deg, random);
      }
      case "file" -> g.readEdges(Path.of(t.file()));
      default -> throw new ScenarioException("unknown topology " + t.type());
    }
    g.connectComponents(random);
    return g;
  }

  private void configurationModel(int[] deg, SplittableRandom random) {
    int total = 0;
    for (int d : deg) {
      total += d;
    }
    int[] stubs = new int[total];
    int k = 0;
    for (int i = 0; i < deg.length; i++) {
      for (int j = 0; j < deg[i]; j++) {
        stubs[k++] = i;
      }
    }
    for (int i = stubs.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = stubs[i];
      stubs[i] = stubs[j];
      stubs[j] = tmp;
    }
    for (int i = 0; i + 1 < stubs.length; i += 2) {
      int a = stubs[i];
      int b = stubs[i + 1];
      // a self-loop or a repeated pair: swap the partner with a later stub, a few tries
      for (int tries = 0; (a == b || hasEdge(a, b)) && tries < 20 && i + 2 < stubs.length; tries++) {
        int j = i + 2 + random.nextInt(stubs.length - i - 2);
        int tmp = stubs[i + 1];
        stubs[i + 1] = stubs[j];
        stubs[j] = tmp;
        b = stubs[i + 1];
      }
      addEdge(a, b);
    }
  }

  private void readEdges(Path file) throws IOException {
    int line = 0;
    for (String raw : Files.readAllLines(file)) {
      line++;
      String s = raw.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      String[] parts = s.split("[\\s,]+");
      if (parts.length != 2) {
        throw new ScenarioException(file + ":" + line + ": expected two node indexes");
      }
      try {
        int a = Integer.parseInt(parts[0]);
        int b = Integer.parseInt(parts[1]);
        if (a < 0 || b < 0 || a >= n || b >= n) {
          throw new ScenarioException(file + ":" + line + ": node index outside 0.." + (n - 1));
        }
        addEdge(a, b);
      } catch (NumberFormatException e) {
        throw new ScenarioException(file + ":" + line + ": expected two node indexes");
      }
    }
  }

  /** Links every component to the next one by a random edge (union-find over the edges). */
  private void connectComponents(SplittableRandom random) {
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (int[] e : edges) {
      parent[find(parent, e[0])] = find(parent, e[1]);
    }
    List<List<Integer>> comps = new ArrayList<>();
    Map<Integer, List<Integer>> byRoot = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      byRoot.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(i);
    }
    comps.addAll(byRoot.values());
    for (int c = 1; c < comps.size(); c++) {
      List<Integer> a = comps.get(c - 1);
      List<Integer> b = comps.get(c);
      addEdge(a.get(random.nextInt(a.size())), b.get(random.nextInt(b.size())));
    }
  }

  private static int find(int[] parent, int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
}
