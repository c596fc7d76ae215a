package io.serenity.p2p.node;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.HostEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code p2p-node run}: starts a node and prints what happens until it is stopped. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Start a node: listen, dial the given peers, print connection events.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {

  @Mixin KeyOptions key;

  @Option(
      names = "--listen",
      paramLabel = "<multiaddr>",
      description = "Address to listen on (repeatable). Default: /ip4/0.0.0.0/tcp/9000.")
  List<String> listen = new ArrayList<>();

  @Option(
      names = "--peer",
      paramLabel = "<multiaddr>",
      description = "Peer to dial at start, with /p2p/<id> (repeatable).")
  List<String> peers = new ArrayList<>();

  @Option(
      names = "--muxer",
      paramLabel = "<list>",
      split = ",",
      description = "Muxers in preference order: yamux, mplex. Default: yamux,mplex.")
  List<String> muxers = new ArrayList<>(List.of("yamux", "mplex"));

  @Option(names = "--json", description = "Print one JSON object per line instead of text.")
  boolean json;

  @Option(
      names = "--exit-after",
      paramLabel = "<seconds>",
      description = "Stop after this many seconds (default: run until interrupted).")
  Long exitAfter;

  @Override
  public Integer call() throws Exception {
    List<Multiaddr> listenAddrs = new ArrayList<>();
    for (String a : listen.isEmpty() ? List.of("/ip4/0.0.0.0/tcp/9000") : listen) {
      listenAddrs.add(parseAddr("--listen", a));
    }
    List<PeerInfo> dial = new ArrayList<>();
    for (String p : peers) {
      try {
        dial.add(PeerInfo.makePeer(p));
      } catch (FormatException e) {
        throw new UsageException("--peer '" + p + "': " + e.getMessage());
      }
    }
    List<String> muxerIds = new ArrayList<>();
    for (String m : muxers) {
      switch (m.trim().toLowerCase(Locale.ROOT)) {
        case "yamux" -> muxerIds.add(HostConfig.YAMUX);
        case "mplex" -> muxerIds.add(HostConfig.MPLEX);
        default -> throw new UsageException(
            "--muxer: unknown muxer '" + m + "' (expected yamux or mplex)");
      }
    }
    PrivateKey identity = key.load(key.keySeed == null && key.keyFile == null ? Path.of("node.key") : null);
    EventPrinter printer = new EventPrinter(System.out, json);
    Host host =
        Host.builder()
            .identity(identity)
            .listen(listenAddrs.toArray(Multiaddr[]::new))
            .config(HostConfig.builder().muxers(muxerIds.toArray(String[]::new)).build())
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      host.close();
      stopped.countDown();
    }, "p2p-node-shutdown"));
    host.addListener(event -> report(printer, event));
    try {
      host.start().join();
    } catch (CompletionException e) {
      throw new RuntimeFailure("cannot start: " + rootMessage(e), e);
    }
    List<String> addrs =
        host.listenAddrs().stream().map(a -> a + "/p2p/" + host.peerId()).collect(Collectors.toList());
    printer
        .event("listening")
        .with("peerId", host.peerId().toBase58())
        .with("addrs", addrs)
        .print("listening as " + host.peerId() + " on " + String.join(" ", addrs));
    for (PeerInfo p : dial) {
      host.connect(p)
          .whenComplete(
              (c, err) -> {
                if (err != null) {
                  printer
                      .event("error")
                      .with("what", "dial " + p.id())
                      .with("why", rootMessage(err))
                      .print("dial " + p.id() + " failed: " + rootMessage(err));
                }
              });
    }
    if (exitAfter != null) {
      stopped.await(exitAfter, TimeUnit.SECONDS);
      host.close();
    } else {
      stopped.await();
    }
    return 0;
  }

  private static void report(EventPrinter printer, HostEvent event) {
    if (event instanceof HostEvent.PeerConnected e) {
      String direction = e.connection().isInitiator() ? "outbound" : "inbound";
      printer
          .event("peer_connected")
          .with("peerId", e.peer().toBase58())
          .with("direction", direction)
          .with("addr", e.connection().remoteAddr().toString())
          .with("muxer", e.connection().muxer())
          .print("connected " + e.peer() + " (" + direction + ", " + e.connection().remoteAddr() + ", " + e.connection().muxer() + ")");
    } else if (event instanceof HostEvent.PeerDisconnected e) {
      printer.event("peer_disconnected").with("peerId", e.peer().toBase58()).print("disconnected " + e.peer());
    } else if (event instanceof HostEvent.PeerIdentified e) {
      String agent = e.info().agentVersion().orElse("");
      printer
          .event("peer_identified")
          .with("peerId", e.peer().toBase58())
          .with("agent", agent)
          .with("protocols", e.info().protocols())
          .print("identified " + e.peer() + ": " + agent + " " + e.info().protocols());
    } else if (event instanceof HostEvent.ProtocolViolation e) {
      printer
          .event("error")
          .with("what", "protocol violation by " + e.peer() + " on " + e.protocol())
          .with("why", e.violation())
          .print("violation by " + e.peer() + " on " + e.protocol() + ": " + e.violation());
    }
  }

  static Multiaddr parseAddr(String option, String text) {
    try {
      return Multiaddr.parse(text);
    } catch (FormatException e) {
      throw new UsageException(option + " '" + text + "': " + e.getMessage());
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
  }
}
