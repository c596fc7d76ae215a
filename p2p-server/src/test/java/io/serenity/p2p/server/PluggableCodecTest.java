package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.addr;
import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.pubsub.MessageId;
import io.serenity.p2p.pubsub.MessageIdFunction;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server with a non-protobuf codec and a custom pubsub message id function. */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class PluggableCodecTest {

  /** A plain (non-protobuf) value type. */
  record Greeting(String text) {}

  /** UTF-8 text of {@link Greeting}; accepts no other type. */
  static final class GreetingCodec implements MessageCodec {
    @Override
    public String name() {
      return "greeting-utf8";
    }

    @Override
    public byte[] encode(Object message) {
      return ((Greeting) message).text().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T> T decode(byte[] data, Class<T> type) {
      return type.cast(new Greeting(new String(data, StandardCharsets.UTF_8)));
    }

    @Override
    public void checkType(Class<?> type) {
      if (type != Greeting.class) {
        throw new IllegalArgumentException("greeting codec handles only Greeting, not " + type.getName());
      }
    }
  }

  /** Message id: the bytes "id:" followed by the payload. */
  private static MessageId textId(byte[] data) {
    byte[] prefix = "id:".getBytes(StandardCharsets.US_ASCII);
    byte[] id = new byte[prefix.length + data.length];
    System.arraycopy(prefix, 0, id, 0, prefix.length);
    System.arraycopy(data, 0, id, prefix.length, data.length);
    return new MessageId(id);
  }

  private static void customise(ServerConfig.Builder b) {
    b.codec(new GreetingCodec())
        .signaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
        .messageIdFunction(m -> textId(m.data()));
  }

  @Test
  void aNonProtobufTypeTravelsByBroadcastAndSendWithTheConfiguredMessageId() {
    try (TestServers t = new TestServers()) {
      Server a = t.start(PluggableCodecTest::customise, s -> s.registerTopic("greetings", Greeting.class));
      Server b = t.start(PluggableCodecTest::customise, s -> s.registerTopic("greetings", Greeting.class));
      BlockingQueue<Message<Greeting>> atB = new LinkedBlockingQueue<>();
      b.feed(Greeting.class).subscribe(atB);
      await(b.connect(addr(a)));
      await(a.whenTopicPeers("greetings", 1));

      await(a.broadcast(new Greeting("hello")));
      Message<Greeting> m = take(atB);
      assertThat(m.data()).isEqualTo(new Greeting("hello"));
      assertThat(m.context().source()).isEqualTo(MessageContext.Source.PUBSUB);
      assertThat(m.context().messageId())
          .isEqualTo(HexFormat.of().formatHex("id:hello".getBytes(StandardCharsets.US_ASCII)));

      await(a.send(new Greeting("direct"), b.peerId()));
      Message<Greeting> d = take(atB);
      assertThat(d.data()).isEqualTo(new Greeting("direct"));
      assertThat(d.context().source()).isEqualTo(MessageContext.Source.DIRECT);
    }
  }

  @Test
  void theCodecRejectsATypeAtRegistration() {
    try (TestServers t = new TestServers()) {
      Server s = t.create(TestServers.loopback().codec(new GreetingCodec()).build());
      assertThatThrownBy(() -> s.registerTopic("strings", String.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("greeting codec handles only Greeting, not java.lang.String");
      assertThat(s.topics()).isEmpty();
    }
  }

  @Test
  void theProtobufCodecRejectsANonProtobufTypeAtRegistration() {
    try (TestServers t = new TestServers()) {
      Server s = t.create(TestServers.loopback().build());
      assertThatThrownBy(() -> s.registerTopic("greetings", Greeting.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(Greeting.class.getName() + " is not a protobuf message")
          .hasMessageContaining("configure another MessageCodec");
    }
  }

  @Test
  void messageIdFunctionDefaultsToThePubSubDefault() {
    assertThat(ServerConfig.defaults().messageIdFunction())
        .isSameAs(ServerConfig.defaults().pubSubConfig().messageIdFunction());
    MessageIdFunction mine = m -> textId(m.data());
    ServerConfig c = ServerConfig.builder().messageIdFunction(mine).build();
    assertThat(c.messageIdFunction()).isSameAs(mine);
    assertThat(c.pubSubConfig().messageIdFunction()).as("one home").isSameAs(mine);
    assertThat(c.toBuilder().build().messageIdFunction()).isSameAs(mine);
  }
}
