package io.serenity.p2p.mux;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the streams a remote opens to the connection's inbound-stream acceptor; shared by the
 * muxers. Public only so that every muxer package can use it; not an API for applications.
 *
 * <p>A stream goes to the acceptor in force when its opening frame is processed. Streams that
 * arrive before any acceptor is installed are held, in arrival order, and handed to the first
 * acceptor installed. A remote may open streams the moment the handshake ends (identify, a pubsub
 * stream), while whoever owns the connection installs the acceptor a little later and possibly
 * from another thread; holding them closes that window. At most {@link #MAX_HELD} are held: a
 * stream beyond that is refused (the muxer resets it), counted and logged, so a remote cannot make
 * us hold streams nobody asked for.
 *
 * <p>Every method runs on the connection's event loop, as the session's state does.
 */
public final class InboundStreams {
  private static final Logger LOG = LoggerFactory.getLogger(InboundStreams.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final io.serenity.p2p.core.internal.RateLimitedLog RLOG = io.serenity.p2p.core.internal.RateLimitedLog.perMinute(LOG, 5);

  /**
   * Streams held while no acceptor is installed. A connection's owner installs the acceptor as
   * soon as the upgrade completes, so only streams opened in that instant wait here: a handful
   * (identify, ping, a pubsub or status stream) in practice.
   */
  public static final int MAX_HELD = 32;

  private final String muxer;
  private final Object connection;
  private final ArrayDeque<MuxedStream> held = new ArrayDeque<>();
  private Consumer<MuxedStream> acceptor;
  private volatile long refused;

  /**
   * The inbound streams of one muxer session.
   *
   * @param muxer the muxer's name for log lines, e.g. {@code "yamux"}
   * @param connection names the connection in log lines (its {@code toString()} is used)
   */
  public InboundStreams(String muxer, Object connection) {
    this.muxer = muxer;
    this.connection = connection;
  }

  /**
   * Whether a stream the remote opens now can be taken: an acceptor is installed or there is room
   * to hold it. When not, this counts and logs the refusal and the caller must refuse the stream
   * (reset it) instead of opening it.
   *
   * @param streamId the new stream's id, for the log line
   * @return true to take the stream, false to reset it
   */
  public boolean admit(long streamId) {
    if (acceptor != null || held.size() < MAX_HELD) {
      return true;
    }
    long n = ++refused;
    if (n == 1) {
      RLOG.warn(
          "{}: {} opened stream {} while no stream acceptor is installed and {} streams are "
              + "already waiting for one; resetting it (further refusals are logged at debug)",
          muxer, connection, streamId, held.size());
    } else {
      LOG.debug(
          "{}: {} opened stream {} while {} streams wait for an acceptor; resetting it ({} so far)",
          muxer, connection, streamId, held.size(), n);
    }
    return false;
  }

  /**
   * A stream the remote opened (after {@link #admit} allowed it): accepted now, or held.
   *
   * @param stream the admitted stream
   */
  public void arrived(MuxedStream stream) {
    if (acceptor == null) {
      held.add(stream);
    } else {
      accept(acceptor, stream);
    }
  }

  /**
   * Makes {@code newAcceptor} the one in force: held streams go to it first, in arrival order,
   * skipping any the remote reset meanwhile; every later stream goes to it too, until it is
   * replaced. Streams handed to an earlier acceptor stay with that acceptor. When the acceptor
   * installs another one while it is being handed held streams, the rest go to the newer one.
   *
   * @param newAcceptor called with each inbound stream
   */
  public void install(Consumer<MuxedStream> newAcceptor) {
    Objects.requireNonNull(newAcceptor, "acceptor");
    acceptor = newAcceptor;
    MuxedStream s;
    while (acceptor == newAcceptor && (s = held.poll()) != null) {
      if (!s.closeFuture().isDone()) {
        accept(newAcceptor, s);
      }
    }
  }

  /** Forgets held streams: the session is closing and resets them itself. */
  public void clear() {
    held.clear();
  }

  /** {@return streams held now, waiting for an acceptor} */
  public int heldCount() {
    return held.size();
  }

  /** {@return streams refused because {@link #MAX_HELD} were already waiting for an acceptor} Any thread. */
  public long refusedCount() {
    return refused;
  }

  private void accept(Consumer<MuxedStream> to, MuxedStream stream) {
    try {
      to.accept(stream);
    } catch (RuntimeException e) {
      LOG.warn(
          "{}: stream acceptor threw for stream {} from {}; resetting it",
          muxer, stream.id(), connection, e);
      stream.reset();
    }
  }
}
