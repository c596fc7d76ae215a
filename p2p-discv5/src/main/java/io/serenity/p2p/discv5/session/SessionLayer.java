package io.serenity.p2p.discv5.session;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.crypto.SessionKeys;
import io.serenity.p2p.discv5.message.Message;
import io.serenity.p2p.discv5.message.MessageCodec;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.wire.Handshake;
import io.serenity.p2p.discv5.wire.HandshakeAuthdata;
import io.serenity.p2p.discv5.wire.Header;
import io.serenity.p2p.discv5.wire.MessageAuthdata;
import io.serenity.p2p.discv5.wire.Packet;
import io.serenity.p2p.discv5.wire.PacketCodec;
import io.serenity.p2p.discv5.wire.PacketWriter;
import io.serenity.p2p.discv5.wire.WhoareyouAuthdata;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The handshake state machine of discv5-theory.md and the encryption of every message, between
 * datagrams and {@link Message}s. Runs on one thread (the service's event loop); no locks.
 *
 * <p>Initiator: a request to a peer without a session goes out as random content, its nonce
 * remembered; later requests to that peer queue behind it. A WHOAREYOU naming the nonce of any
 * request we sent to that endpoint recently (even inside a session, which the peer may have lost)
 * is answered once: keys derived, the request re-sent as a handshake packet carrying our record
 * when the challenge's enr-seq is older than ours; the session is stored and the queue flushed.
 *
 * <p>Recipient: a packet that does not decrypt is challenged (the identical WHOAREYOU is re-sent
 * while one is live for that endpoint); a handshake packet must match a live challenge, which it
 * consumes; the record (from the packet, else the one we knew) must belong to {@code src-id} and
 * not be older; the session is stored only after the message decrypts.
 */
public final class SessionLayer {

  private record SentRequest(NodeAddress to, Enr enr, byte[] plaintext, long expiresNanos) {}

  private static final class PendingHandshake {
    final long expiresNanos;
    final List<byte[]> queue = new ArrayList<>();

    PendingHandshake(long expiresNanos) {
      this.expiresNanos = expiresNanos;
    }
  }

  private final byte[] localKey;
  private final byte[] localId;
  private final Supplier<Enr> localEnr;
  private final RandomSource random;
  private final PacketWriter writer;
  private final LongSupplier clock;
  private final SessionLimits limits;
  private final Function<NodeId, Enr> knownEnr;
  private final Transport transport;
  private final SessionListener listener;
  private final SessionCache sessions;
  private final ChallengeStore challenges;
  private final LinkedHashMap<ByteBuffer, SentRequest> sentRequests = new LinkedHashMap<>();
  private final LinkedHashMap<NodeAddress, PendingHandshake> handshakes = new LinkedHashMap<>();
  private double handshakeTokens;
  private long handshakeRefillNanos;

  /**
   * Creates the layer.
   *
   * @param localKey our 32-byte static private key
   * @param localEnr our current record
   * @param random where nonces, IVs and ephemeral keys come from
   * @param clock nanosecond clock
   * @param limits bounds
   * @param knownEnr records we hold by node id (the routing table), null when unknown
   * @param transport sends datagrams
   * @param listener receives messages and drops
   */
  public SessionLayer(byte[] localKey, Supplier<Enr> localEnr, RandomSource random, LongSupplier clock,
      SessionLimits limits, Function<NodeId, Enr> knownEnr, Transport transport, SessionListener listener) {
    this.localKey = localKey.clone();
    this.localId = localEnr.get().nodeId();
    this.localEnr = localEnr;
    this.random = random;
    this.writer = new PacketWriter(localId, random);
    this.clock = clock;
    this.limits = limits;
    this.knownEnr = knownEnr;
    this.transport = transport;
    this.listener = listener;
    this.sessions = new SessionCache(limits.sessions(), limits.sessionIdle().toNanos());
    this.challenges = new ChallengeStore(limits.challenges(), limits.challengeTtl().toNanos());
    this.handshakeTokens = limits.handshakesPerSecond();
    this.handshakeRefillNanos = clock.getAsLong();
  }

  /** {@return the session cache (for inspection)} */
  public SessionCache sessions() {
    return sessions;
  }

  /** {@return the number of live challenges} */
  public int challengeCount() {
    return challenges.size();
  }

  /** {@return request nonces remembered plus handshakes in progress} */
  public int pendingCount() {
    return sentRequests.size() + handshakes.size();
  }

  /**
   * Sends a request, starting a handshake when there is no session.
   *
   * @param enr the peer's record (its key is needed for a handshake)
   * @param to the peer's endpoint
   * @param request the request
   * @return false when it could not be sent or queued (too many requests waiting)
   */
  public boolean sendRequest(Enr enr, InetSocketAddress to, Message request) {
    long now = clock.getAsLong();
    expire(now);
    NodeAddress address = new NodeAddress(new NodeId(enr.nodeId()), to);
    byte[] plaintext = MessageCodec.encode(request);
    Session session = sessions.get(address, now);
    if (session != null) {
      Packet p = seal(session, plaintext, now);
      return remember(p.nonce(), new SentRequest(address, enr, plaintext, now + limits.requestMemory().toNanos()))
          && send(address, p);
    }
    PendingHandshake pending = handshakes.get(address);
    if (pending != null) {
      if (pending.queue.size() >= limits.queuedPerNode()) {
        return false;
      }
      pending.queue.add(plaintext);
      return true;
    }
    Packet random = writer.randomMessage();
    long until = now + limits.requestMemory().toNanos();
    if (handshakes.size() >= limits.requests()
        || !remember(random.nonce(), new SentRequest(address, enr, plaintext, until))) {
      return false;
    }
    handshakes.put(address, new PendingHandshake(until));
    return send(address, random);
  }

  /**
   * Sends a response inside the session the request came in.
   *
   * @param to the requester
   * @param response the response
   * @return false when there is no session with it
   */
  public boolean sendResponse(NodeAddress to, Message response) {
    long now = clock.getAsLong();
    Session session = sessions.get(to, now);
    if (session == null) {
      return false;
    }
    return send(to, seal(session, MessageCodec.encode(response), now));
  }

  /**
   * Handles one received datagram.
   *
   * @param datagram the bytes
   * @param source where it came from
   */
  public void onDatagram(byte[] datagram, InetSocketAddress source) {
    long now = clock.getAsLong();
    expire(now);
    Packet packet;
    try {
      packet = PacketCodec.decode(datagram, localId);
    } catch (Discv5Exception e) {
      listener.onDrop("malformed-packet", source, e.getMessage());
      return;
    }
    try {
      switch (packet.header().authdata()) {
        case MessageAuthdata a -> {
          NodeAddress from = new NodeAddress(new NodeId(a.srcId()), source);
          if (listener.admit(from)) {
            onMessagePacket(packet, from, now);
          }
        }
        case WhoareyouAuthdata a -> onWhoareyou(packet, a, source, now);
        case HandshakeAuthdata a -> {
          NodeAddress from = new NodeAddress(new NodeId(a.srcId()), source);
          if (listener.admit(from)) {
            onHandshake(packet, a, from, now);
          }
        }
        default -> listener.onDrop("unknown-authdata", source, packet.flag().toString());
      }
    } catch (Discv5Exception e) {
      listener.onDrop("bad-packet", source, e.getMessage());
    }
  }

  private void onMessagePacket(Packet packet, NodeAddress from, long now) {
    Session session = sessions.get(from, now);
    if (session != null) {
      byte[] plaintext;
      try {
        plaintext = session.open(packet, now);
      } catch (Discv5Exception e) {
        challenge(packet, from, now);
        return;
      }
      deliver(from, session.remoteEnr(), plaintext);
      return;
    }
    challenge(packet, from, now);
  }

  private void challenge(Packet packet, NodeAddress from, long now) {
    ChallengeStore.Challenge live = challenges.live(from, now);
    if (live != null) {
      transport.send(from.address(), live.datagram());
      return;
    }
    if (!listener.allowChallenge(from)) {
      return;
    }
    Enr known = knownEnr.apply(from.nodeId());
    Packet whoareyou = writer.whoareyou(packet.nonce(), known == null ? 0 : known.seq());
    byte[] datagram = PacketCodec.encode(whoareyou, from.nodeId().bytes());
    if (!challenges.add(from, datagram, whoareyou.challengeData(), known, now)) {
      listener.onDrop("challenges-full", from.address(), "no challenge sent");
      return;
    }
    transport.send(from.address(), datagram);
  }

  private void onWhoareyou(Packet packet, WhoareyouAuthdata auth, InetSocketAddress source, long now) {
    SentRequest req = sentRequests.get(ByteBuffer.wrap(packet.nonce()));
    if (req == null || !req.to().address().equals(source)) {
      listener.onDrop("unexpected-whoareyou", source, "no request with that nonce to this endpoint");
      return;
    }
    sentRequests.remove(ByteBuffer.wrap(packet.nonce()));
    Enr ours = localEnr.get();
    byte[] record = auth.enrSeq() < ours.seq() ? ours.toRlp() : new byte[0];
    Handshake.Sent hs = writer.handshake(packet.challengeData(), localKey, req.to().nodeId().bytes(),
        req.enr().publicKey(), record, req.plaintext());
    Session previous = sessions.get(req.to(), now);
    Session session = new Session(hs.keys(), true, req.enr(), previous, now + limits.challengeTtl().toNanos(), now);
    sessions.put(req.to(), session);
    send(req.to(), hs.packet());
    PendingHandshake pending = handshakes.remove(req.to());
    if (pending != null) {
      long until = now + limits.requestMemory().toNanos();
      for (byte[] queued : pending.queue) {
        Packet p = seal(session, queued, now);
        remember(p.nonce(), new SentRequest(req.to(), req.enr(), queued, until));
        send(req.to(), p);
      }
    }
  }

  private void onHandshake(Packet packet, HandshakeAuthdata auth, NodeAddress from, long now) {
    ChallengeStore.Challenge challenge = challenges.consume(from, now);
    if (challenge == null) {
      listener.onDrop("handshake-without-challenge", from.address(), "no live challenge");
      return;
    }
    if (!takeHandshakeToken(now)) {
      listener.onDrop("handshake-rate-limited", from.address(), "over " + limits.handshakesPerSecond() + "/s");
      return;
    }
    Enr enr = auth.enr().orElse(challenge.knownEnr());
    if (enr == null) {
      listener.onDrop("handshake-without-record", from.address(), "record needed but not sent");
      return;
    }
    if (!Arrays.equals(enr.nodeId(), auth.srcId())) {
      listener.onDrop("handshake-wrong-record", from.address(), "record of another node");
      return;
    }
    if (challenge.knownEnr() != null && enr.seq() < challenge.knownEnr().seq()) {
      enr = challenge.knownEnr();
    }
    SessionKeys keys = Handshake.accept(packet, challenge.challengeData(), enr.publicKey(), localKey, localId);
    byte[] plaintext = packet.open(keys.initiatorKey());
    Message message = MessageCodec.decode(plaintext);
    Session previous = sessions.get(from, now);
    sessions.put(from, new Session(keys, false, enr, previous, now + limits.challengeTtl().toNanos(), now));
    listener.onMessage(from, enr, message);
  }

  private boolean takeHandshakeToken(long now) {
    double rate = limits.handshakesPerSecond();
    if (rate <= 0) {
      return true;
    }
    handshakeTokens = Math.min(rate, handshakeTokens + (now - handshakeRefillNanos) * rate / 1e9);
    handshakeRefillNanos = now;
    if (handshakeTokens < 1) {
      return false;
    }
    handshakeTokens -= 1;
    return true;
  }

  private void deliver(NodeAddress from, Enr enr, byte[] plaintext) {
    Message message;
    try {
      message = MessageCodec.decode(plaintext);
    } catch (Discv5Exception e) {
      listener.onDrop("malformed-message", from.address(), e.getMessage());
      return;
    }
    listener.onMessage(from, enr, message);
  }

  private Packet seal(Session session, byte[] plaintext, long now) {
    session.touch(now);
    Header header = new Header(session.nextNonce(random), new MessageAuthdata(localId));
    return Packet.seal(random.maskingIv(), header, session.writeKey(), plaintext);
  }

  private boolean send(NodeAddress to, Packet packet) {
    transport.send(to.address(), PacketCodec.encode(packet, to.nodeId().bytes()));
    return true;
  }

  private boolean remember(byte[] nonce, SentRequest request) {
    if (sentRequests.size() >= limits.requests()) {
      return false;
    }
    sentRequests.put(ByteBuffer.wrap(nonce), request);
    return true;
  }

  private void expire(long now) {
    Iterator<Map.Entry<ByteBuffer, SentRequest>> it = sentRequests.entrySet().iterator();
    while (it.hasNext() && now - it.next().getValue().expiresNanos() >= 0) {
      it.remove();
    }
    Iterator<Map.Entry<NodeAddress, PendingHandshake>> hs = handshakes.entrySet().iterator();
    while (hs.hasNext() && now - hs.next().getValue().expiresNanos >= 0) {
      hs.remove();
    }
  }
}
