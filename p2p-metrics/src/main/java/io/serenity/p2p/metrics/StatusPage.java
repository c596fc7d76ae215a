package io.serenity.p2p.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link NodeStatus} as the status page (HTML) and as JSON. */
final class StatusPage {
  /** Seconds between the page's own reloads. */
  static final int REFRESH_SECONDS = 3;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusPage() {}

  static String html(NodeStatus s) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
        .append("<title>serenity-p2p ").append(esc(shortId(s.peerId()))).append("</title>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}")
        .append("h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}code{font-size:.9em}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}")
        .append("th{background:#f0f0f0}.neg{color:#b00020}.pos{color:#006400}</style></head><body>\n");
    b.append("<h1>serenity-p2p node</h1>\n");
    b.append("<p>Peer id: <code id=\"peer-id\">").append(esc(s.peerId())).append("</code></p>\n");
    b.append("<ul id=\"addrs\">");
    for (String a : s.addrs()) {
      b.append("<li><code>").append(esc(a)).append("/p2p/").append(esc(s.peerId())).append("</code></li>");
    }
    b.append("</ul>\n");
    b.append("<h2>Peers (<span id=\"peer-count\">").append(s.peers().size()).append("</span>)</h2>\n");
    b.append("<table id=\"peers\"><tr><th>peer</th><th>direction</th><th>address</th><th>transport</th>")
        .append("<th>agent</th><th>streams</th><th>score</th></tr>\n");
    for (NodeStatus.PeerStatus p : s.peers()) {
      String cls = p.score() < 0 ? "neg" : p.score() > 0 ? "pos" : "";
      b.append("<tr class=\"peer\"><td><code>").append(esc(p.peerId())).append("</code></td><td>")
          .append(esc(p.direction())).append("</td><td><code>").append(esc(p.addr())).append("</code></td>")
          .append("<td class=\"transport\">").append(esc(p.transport())).append(" (").append(esc(p.security()))
          .append(", ").append(esc(p.muxer())).append(")</td><td>")
          .append(esc(p.agent())).append("</td><td>").append(p.streams()).append("</td><td class=\"").append(cls)
          .append("\">").append(String.format(Locale.ROOT, "%.2f", p.score())).append("</td></tr>\n");
    }
    b.append("</table>\n<h2>Topics</h2>\n<table id=\"topics\"><tr><th>topic</th><th>mesh size</th><th>mesh peers</th></tr>\n");
    for (Map.Entry<String, List<String>> t : s.meshes().entrySet()) {
      b.append("<tr class=\"topic\"><td><code>").append(esc(t.getKey())).append("</code></td><td>")
          .append(t.getValue().size()).append("</td><td>");
      for (String p : t.getValue()) {
        b.append("<code>").append(esc(shortId(p))).append("</code> ");
      }
      b.append("</td></tr>\n");
    }
    b.append("</table>\n<h2>Resources</h2>\n<table id=\"resources\"><tr><th>resource</th><th>used</th>")
        .append("<th>limit</th><th>refused</th></tr>\n");
    for (NodeStatus.ResourceStatus r : s.resources()) {
      b.append("<tr class=\"resource\"><td>").append(esc(r.name())).append("</td><td>")
          .append(r.used() < 0 ? "" : Long.toString(r.used())).append("</td><td>").append(r.limit())
          .append("</td><td class=\"").append(r.refused() > 0 ? "neg" : "").append("\">").append(r.refused())
          .append("</td></tr>\n");
    }
    b.append("</table>\n<p><a href=\"/metrics\">metrics</a> · <a href=\"/status.json\">status.json</a> · ")
        .append("refreshes every ").append(REFRESH_SECONDS).append(" s</p>\n</body></html>\n");
    return b.toString();
  }

  /** The {@code /status.json} body: the same data as the page, field for field. */
  static String json(NodeStatus s) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("peerId", s.peerId());
    ArrayNode addrs = root.putArray("addrs");
    s.addrs().forEach(addrs::add);
    ArrayNode peers = root.putArray("peers");
    for (NodeStatus.PeerStatus p : s.peers()) {
      ObjectNode peer = peers.addObject()
          .put("peerId", p.peerId())
          .put("direction", p.direction())
          .put("addr", p.addr())
          .put("transport", p.transport())
          .put("security", p.security())
          .put("muxer", p.muxer())
          .put("agent", p.agent())
          .put("streams", p.streams());
      if (Double.isFinite(p.score())) {
        peer.put("score", p.score());
      } else {
        peer.putNull("score");
      }
    }
    ObjectNode meshes = root.putObject("meshes");
    s.meshes().forEach((topic, members) -> {
      ArrayNode mesh = meshes.putArray(topic);
      members.forEach(mesh::add);
    });
    ArrayNode resources = root.putArray("resources");
    for (NodeStatus.ResourceStatus r : s.resources()) {
      ObjectNode row = resources.addObject().put("name", r.name());
      // a negative count means this scope's usage is not tracked
      if (r.used() < 0) {
        row.putNull("used");
      } else {
        row.put("used", r.used());
      }
      row.put("limit", r.limit()).put("refused", r.refused());
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always serializes
      throw new IllegalStateException(e);
    }
  }

  private static String shortId(String id) {
    return id.length() > 12 ? "…" + id.substring(id.length() - 8) : id;
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
