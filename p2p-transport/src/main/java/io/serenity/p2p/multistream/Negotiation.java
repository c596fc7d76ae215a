package io.serenity.p2p.multistream;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The multistream-select 1.0 state machine for one side of one negotiation, free of I/O: the
 * adapters feed it received bytes and send what it returns.
 *
 * <p>Not thread-safe; each adapter drives it from one event loop.
 */
final class Negotiation {

  /** What one call to {@link #receive} produced. */
  record Step(List<MultistreamMessage> send, String selected, List<String> listed) {
    /** True when the negotiation has ended successfully; bytes left in the input are the app's. */
    boolean done() {
      return selected != null || listed != null;
    }
  }

  private enum Role {
    DIALER,
    LISTENER,
    LISTER
  }

  private final Role role;
  private final MultistreamConfig config;
  private final List<String> proposals;
  private final Set<String> supported;
  private boolean headerReceived;
  private int proposalIndex;
  private int requestsAnswered;
  private boolean finished;

  private Negotiation(
      Role role, MultistreamConfig config, List<String> proposals, Set<String> supported) {
    this.role = role;
    this.config = config.validate();
    this.proposals = proposals;
    this.supported = supported;
  }

  /** A dialer proposing {@code proposals} in preference order. */
  static Negotiation dialer(List<String> proposals, MultistreamConfig config) {
    List<String> copy = List.copyOf(proposals);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("no protocols to propose");
    }
    if (copy.size() > config.maxProposals()) {
      throw new IllegalArgumentException(
          copy.size() + " proposals exceed the limit of " + config.maxProposals());
    }
    for (String p : copy) {
      checkId(p, config);
    }
    return new Negotiation(Role.DIALER, config, copy, Set.of());
  }

  /** A listener accepting any of {@code supported}; {@code ls} answers list them in this order. */
  static Negotiation listener(Collection<String> supported, MultistreamConfig config) {
    Set<String> copy = new LinkedHashSet<>(supported);
    for (String p : copy) {
      checkId(p, config);
    }
    return new Negotiation(Role.LISTENER, config, List.of(), copy);
  }

  /** A dialer that only asks the listener for its protocols with {@code ls}. */
  static Negotiation lister(MultistreamConfig config) {
    return new Negotiation(Role.LISTER, config, List.of(), Set.of());
  }

  /**
   * The messages to send at once. The dialer sends the header and its first proposal together
   * (multistream-select README, "Protocol Selection"); the listener sends its header without
   * waiting for the dialer's, as both sides may.
   */
  List<MultistreamMessage> start() {
    return switch (role) {
      case DIALER ->
          List.of(MultistreamMessage.HEADER, new MultistreamMessage.Protocol(proposals.get(0)));
      case LISTENER -> List.of(MultistreamMessage.HEADER);
      case LISTER -> List.of(MultistreamMessage.HEADER, MultistreamMessage.LS);
    };
  }

  /**
   * Consumes complete messages from {@code in} until the negotiation ends or the input runs out. On
   * success, whatever remains readable in {@code in} belongs to the selected protocol.
   *
   * @throws MultistreamException on a malformed message, a limit exceeded, a protocol violation, or
   *     when every proposal was refused
   */
  Step receive(ByteBuf in) {
    if (finished) {
      throw new IllegalStateException("negotiation already finished");
    }
    List<MultistreamMessage> send = new ArrayList<>(2);
    while (true) {
      if (role == Role.LISTER && headerReceived) {
        byte[] body = MultistreamCodec.decodeBody(in, config.maxMessageLength());
        if (body == null) {
          return new Step(send, null, null);
        }
        finished = true;
        return new Step(
            send, null, MultistreamCodec.decodeList(body, config.maxMessageLength()).protocols());
      }
      MultistreamMessage message = MultistreamCodec.decode(in, config.maxMessageLength());
      if (message == null) {
        return new Step(send, null, null);
      }
      if (!headerReceived) {
        // connections spec: anything but the header as the first message aborts the negotiation.
        if (!(message instanceof MultistreamMessage.Header)) {
          throw new MultistreamException(
              "expected " + MultistreamSelect.PROTOCOL_ID + ", got " + describe(message));
        }
        headerReceived = true;
        continue;
      }
      String selected =
          role == Role.DIALER ? onDialerMessage(message, send) : onListenerMessage(message, send);
      if (selected != null) {
        finished = true;
        return new Step(send, selected, null);
      }
    }
  }

  private String onDialerMessage(MultistreamMessage message, List<MultistreamMessage> send) {
    String current = proposals.get(proposalIndex);
    if (message instanceof MultistreamMessage.Protocol p && p.id().equals(current)) {
      return current;
    }
    if (!(message instanceof MultistreamMessage.Na)) {
      throw new MultistreamException(
          "proposed " + current + ", remote answered " + describe(message));
    }
    proposalIndex++;
    if (proposalIndex == proposals.size()) {
      throw new MultistreamException(
          "no protocol agreed: remote answered na to all of " + proposals);
    }
    send.add(new MultistreamMessage.Protocol(proposals.get(proposalIndex)));
    return null;
  }

  private String onListenerMessage(MultistreamMessage message, List<MultistreamMessage> send) {
    if (++requestsAnswered > config.maxProposals()) {
      throw new MultistreamException(
          "remote sent more than " + config.maxProposals() + " proposals");
    }
    if (message instanceof MultistreamMessage.Ls) {
      send.add(new MultistreamMessage.ProtocolList(List.copyOf(supported)));
      return null;
    }
    if (message instanceof MultistreamMessage.Protocol p) {
      if (supported.contains(p.id())) {
        send.add(p);
        return p.id();
      }
      send.add(MultistreamMessage.NA);
      return null;
    }
    throw new MultistreamException("expected a protocol proposal, got " + describe(message));
  }

  private static void checkId(String id, MultistreamConfig config) {
    if (id.isEmpty() || id.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("bad protocol id: '" + id + "'");
    }
    if (MultistreamCodec.announcedLength(id) > config.maxMessageLength()) {
      throw new IllegalArgumentException("protocol id longer than the message limit: " + id);
    }
  }

  private static String describe(MultistreamMessage message) {
    if (message instanceof MultistreamMessage.Protocol p) {
      return "'" + p.id() + "'";
    }
    if (message instanceof MultistreamMessage.Header) {
      return "the header";
    }
    return message instanceof MultistreamMessage.Na ? "na" : "ls";
  }
}
