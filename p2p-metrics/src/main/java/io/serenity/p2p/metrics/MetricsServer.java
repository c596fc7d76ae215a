package io.serenity.p2p.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.pubsub.PubSub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP endpoint for one node: {@code /metrics} in the Prometheus text format (the node's metrics,
 * see {@link P2pMetrics}, and the JVM's and process's), {@code /} a status
 * page that refreshes itself (identity, addresses, peers with scores and agents, each topic's mesh),
 * and {@code /status.json} the same data for scripts.
 *
 * <pre>{@code
 * try (MetricsServer m = MetricsServer.start(new InetSocketAddress("127.0.0.1", 9100), host, pubsub)) {
 *   // curl http://127.0.0.1:9100/metrics
 * }
 * }</pre>
 *
 * <p>Served by the JDK's HTTP server on one daemon thread; only GET and HEAD are answered.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  private final HttpServer http;
  private final ExecutorService executor;
  private final PrometheusRegistry registry;

  private MetricsServer(HttpServer http, ExecutorService executor, PrometheusRegistry registry) {
    this.http = http;
    this.executor = executor;
    this.registry = registry;
  }

  /**
   * Serves the metrics of {@code host} and {@code pubsub} (may be null), and those of the JVM and
   * process ({@link P2pMetrics#registerJvm}), at {@code bind} (port 0
   * picks a free port; see {@link #address()}).
   *
   * @param bind the address to listen on
   * @param host the host to report
   * @param pubsub its pubsub, or null
   * @return the running server; close it to stop
   * @throws UncheckedIOException when the address cannot be bound, naming it
   */
  public static MetricsServer start(InetSocketAddress bind, Host host, PubSub pubsub) {
    PrometheusRegistry registry = new PrometheusRegistry();
    P2pMetrics.register(registry, host, pubsub);
    P2pMetrics.registerJvm(registry);
    return start(bind, registry, () -> NodeStatus.of(host, pubsub));
  }

  /**
   * Serves {@code registry} and the status from {@code status} at {@code bind}.
   *
   * @param bind the address to listen on
   * @param registry the metrics served on {@code /metrics}
   * @param status called for each status page
   * @return the running server; close it to stop
   */
  public static MetricsServer start(InetSocketAddress bind, PrometheusRegistry registry, Supplier<NodeStatus> status) {
    HttpServer http;
    try {
      http = HttpServer.create(bind, 16);
    } catch (BindException e) {
      throw new UncheckedIOException("metrics address " + bind + " is already in use or not local: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + bind + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    http.createContext("/metrics", ex -> handle(ex, () -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      writer.write(body, registry.scrape());
      return new Response(200, writer.getContentType(), body.toByteArray());
    }));
    http.createContext("/status.json", ex -> handle(ex, () ->
        new Response(200, "application/json", StatusPage.json(status.get()).getBytes(StandardCharsets.UTF_8))));
    http.createContext("/", ex -> handle(ex, () -> {
      if (!ex.getRequestURI().getPath().equals("/")) {
        return new Response(404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
      }
      return new Response(200, "text/html; charset=utf-8", StatusPage.html(status.get()).getBytes(StandardCharsets.UTF_8));
    }));
    http.start();
    return new MetricsServer(http, executor, registry);
  }

  /** {@return the bound address} */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  /** {@return the registry served at {@code /metrics}; add your own metrics to it} */
  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private record Response(int status, String contentType, byte[] body) {}

  private interface Body {
    Response get() throws IOException;
  }

  private static void handle(HttpExchange ex, Body body) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      Response r;
      try {
        r = body.get();
      } catch (RuntimeException | IOException e) {
        LOG.warn("metrics endpoint {} failed: {}", ex.getRequestURI(), e.toString());
        r = new Response(500, "text/plain; charset=utf-8", ("error: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      if (method.equals("HEAD")) {
        ex.sendResponseHeaders(r.status(), -1);
        return;
      }
      ex.sendResponseHeaders(r.status(), r.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }
}
