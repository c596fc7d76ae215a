package io.serenity.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class MultistreamStreamTest {

  /** An application handler recording what it receives. */
  static final class Recorder implements MuxedStreamHandler {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<String> events = new ArrayList<>();

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      try {
        bytes.writeBytes(ByteBufUtil.getBytes(data));
        events.add("data");
      } finally {
        data.release();
      }
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      events.add("close");
    }

    @Override
    public void onReset(MuxedStream stream) {
      events.add("reset");
    }

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  static ByteBuf utf8(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void selectAndAcceptAgreeAndDeliverDataToTheInstalledHandlers() {
    FakeStreamPair pair = new FakeStreamPair();
    Recorder dialerApp = new Recorder();
    Recorder listenerApp = new Recorder();
    CompletableFuture<String> accepted =
        MultistreamSelect.accept(pair.b, Set.of("/ping/1", "/id/1"), id -> listenerApp);
    CompletableFuture<String> selected =
        MultistreamSelect.select(pair.a, List.of("/nope/1", "/id/1"), id -> dialerApp);
    pair.runAll();
    assertThat(selected).isCompletedWithValue("/id/1");
    assertThat(accepted).isCompletedWithValue("/id/1");
    assertThat(pair.a.handler).isSameAs(dialerApp);
    assertThat(pair.b.handler).isSameAs(listenerApp);
    pair.a.write(utf8("request"));
    pair.b.write(utf8("response"));
    pair.runAll();
    assertThat(listenerApp.text()).isEqualTo("request");
    assertThat(dialerApp.text()).isEqualTo("response");
  }

  @Test
  void selectCompletesWhenTheAnswerArrivesOneByteAtATime() {
    FakeStreamPair pair = new FakeStreamPair();
    Recorder dialerApp = new Recorder();
    CompletableFuture<String> selected =
        MultistreamSelect.select(pair.a, List.of("/a/1", "/id/1"), id -> dialerApp);
    byte[] answer =
        MultistreamHandlerTest.concat(
            MultistreamHandlerTest.wire(
                MultistreamMessage.HEADER,
                MultistreamMessage.NA,
                new MultistreamMessage.Protocol("/id/1")),
            "tail".getBytes(StandardCharsets.UTF_8));
    pair.b.setHandler(new Recorder());
    int echoEnd = answer.length - "tail".length();
    for (int i = 0; i < answer.length; i++) {
      assertThat(selected.isDone()).isEqualTo(i >= echoEnd);
      pair.b.write(Unpooled.wrappedBuffer(new byte[] {answer[i]}));
      pair.runAll();
    }
    assertThat(selected).isCompletedWithValue("/id/1");
    assertThat(dialerApp.text()).isEqualTo("tail");
  }

  @Test
  void lazyDataAfterTheProposalReachesTheListenerHandlerFirst() {
    FakeStreamPair pair = new FakeStreamPair();
    Recorder listenerApp = new Recorder();
    // A lazy dialer: header, proposal and the request in one write, then half-close.
    ByteBuf lazy =
        MultistreamCodec.encode(
            List.of(MultistreamMessage.HEADER, new MultistreamMessage.Protocol("/id/1")));
    lazy.writeBytes("payload".getBytes(StandardCharsets.UTF_8));
    pair.a.write(lazy);
    pair.a.closeWrite();
    pair.runAll(); // held by the listener side until a handler is set
    CompletableFuture<String> accepted =
        MultistreamSelect.accept(pair.b, Set.of("/id/1"), id -> listenerApp);
    pair.runAll();
    assertThat(accepted).isCompletedWithValue("/id/1");
    assertThat(listenerApp.text()).isEqualTo("payload");
    pair.b.held.forEach(ByteBuf::release);
    // the listener still answered: header and echo went back to the dialer
    Recorder raw = new Recorder();
    pair.a.setHandler(raw);
    assertThat(raw.bytes.toByteArray())
        .isEqualTo(
            MultistreamHandlerTest.wire(
                MultistreamMessage.HEADER, new MultistreamMessage.Protocol("/id/1")));
  }

  @Test
  void dialerHandlerGetsBytesThatFollowedTheEcho() {
    FakeStreamPair pair = new FakeStreamPair();
    Recorder dialerApp = new Recorder();
    CompletableFuture<String> selected =
        MultistreamSelect.select(pair.a, List.of("/id/1"), id -> dialerApp);
    ByteBuf answer =
        MultistreamCodec.encode(
            List.of(MultistreamMessage.HEADER, new MultistreamMessage.Protocol("/id/1")));
    answer.writeBytes("early".getBytes(StandardCharsets.UTF_8));
    pair.b.setHandler(new Recorder());
    pair.b.write(answer);
    pair.runAll();
    assertThat(selected).isCompletedWithValue("/id/1");
    assertThat(dialerApp.text()).isEqualTo("early");
    assertThat(dialerApp.events).containsExactly("data");
  }

  @Test
  void selectFailsAndResetsWhenEveryProposalIsRefused() {
    FakeStreamPair pair = new FakeStreamPair();
    CompletableFuture<String> accepted =
        MultistreamSelect.accept(pair.b, Set.of("/other/1"), id -> new Recorder());
    CompletableFuture<String> selected =
        MultistreamSelect.select(pair.a, List.of("/a/1", "/b/1"), id -> new Recorder());
    pair.runAll();
    assertThat(failure(selected))
        .isInstanceOf(MultistreamException.class)
        .hasMessageContaining("[/a/1, /b/1]");
    assertThat(pair.a.reset).isTrue();
    // the listener learns of it through the reset
    assertThat(failure(accepted))
        .isInstanceOf(MultistreamException.class)
        .hasMessageContaining("reset");
  }

  @Test
  void acceptFailsAndResetsOnTooManyProposals() {
    FakeStreamPair pair = new FakeStreamPair();
    CompletableFuture<String> accepted =
        MultistreamSelect.accept(
            pair.b, Set.of("/x/1"), id -> new Recorder(), new MultistreamConfig(1024, 3));
    List<MultistreamMessage> flood = new ArrayList<>();
    flood.add(MultistreamMessage.HEADER);
    for (int i = 0; i < 4; i++) {
      flood.add(new MultistreamMessage.Protocol("/p/" + i));
    }
    pair.a.setHandler(new Recorder());
    pair.a.write(MultistreamCodec.encode(flood));
    pair.runAll();
    assertThat(failure(accepted)).hasMessageContaining("more than 3 proposals");
    assertThat(pair.b.reset).isTrue();
  }

  @Test
  void acceptFailsOnRemoteCloseBeforeAnyProposal() {
    FakeStreamPair pair = new FakeStreamPair();
    CompletableFuture<String> accepted =
        MultistreamSelect.accept(pair.b, Set.of("/x/1"), id -> new Recorder());
    pair.a.setHandler(new Recorder());
    pair.a.write(MultistreamSelect.encode(MultistreamMessage.HEADER));
    pair.a.closeWrite();
    pair.runAll();
    assertThat(failure(accepted)).hasMessageContaining("closed");
    assertThat(pair.b.reset).isTrue();
  }

  @Test
  void handlerFactoryFailureResetsTheStream() {
    FakeStreamPair pair = new FakeStreamPair();
    CompletableFuture<String> accepted =
        MultistreamSelect.accept(
            pair.b,
            Set.of("/x/1"),
            id -> {
              throw new IllegalStateException("no handler today");
            });
    MultistreamSelect.select(pair.a, List.of("/x/1"), id -> new Recorder());
    pair.runAll();
    assertThat(failure(accepted)).hasMessageContaining("no handler today");
    assertThat(pair.b.reset).isTrue();
  }

  @Test
  void lsListsTheListenerProtocols() {
    FakeStreamPair pair = new FakeStreamPair();
    MultistreamSelect.accept(pair.b, List.of("/a/1", "/b/2"), id -> new Recorder());
    CompletableFuture<List<String>> listed =
        MultistreamSelect.ls(pair.a, MultistreamConfig.defaults());
    pair.runAll();
    assertThat(listed).isCompletedWithValue(List.of("/a/1", "/b/2"));
  }

  @Test
  void selectRejectsBadArgumentsUpFront() {
    FakeStreamPair pair = new FakeStreamPair();
    assertThatThrownBy(() -> MultistreamSelect.select(pair.a, List.of(), id -> new Recorder()))
        .isInstanceOf(IllegalArgumentException.class);
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      many.add("/p/" + i);
    }
    assertThatThrownBy(() -> MultistreamSelect.select(pair.a, many, id -> new Recorder()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceed");
  }
}
