package io.serenity.p2p.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the results of one run, or of two side by side, into a folder: summary.txt, summary.json and the plots. */
public final class Outputs {
  private Outputs() {}

  /**
   * {@return the summaries as text: one column per run}
   *
   * @param runs the runs
   */
  public static String text(List<Report> runs) {
    List<Summary> s = new ArrayList<>();
    runs.forEach(r -> s.add(r.summary()));
    return Summary.table(s);
  }

  /**
   * {@return the summaries as JSON: one object for one run, {"runs": [...]} for a comparison}
   *
   * @param runs the runs
   */
  public static String json(List<Report> runs) {
    if (runs.size() == 1) {
      return runs.get(0).summary().toJson();
    }
    ObjectNode comparison = JsonFormat.object();
    ArrayNode list = comparison.putArray("runs");
    runs.forEach(r -> list.add(r.summary().toJsonNode()));
    return JsonFormat.write(comparison);
  }

  /**
   * Writes summary.txt, summary.json and the plots into {@code dir}.
   *
   * @param dir the output folder, created when missing
   * @param runs the runs to summarise side by side
   * @return the files written
   * @throws IOException when a file cannot be written
   */
  public static List<Path> write(Path dir, List<Report> runs) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    files.add(Files.writeString(dir.resolve("summary.txt"), text(runs)));
    files.add(Files.writeString(dir.resolve("summary.json"), json(runs)));
    files.addAll(Plots.write(dir, runs));
    return files;
  }
}
