package io.serenity.p2p.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.server.testpb.Puzzle;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {

  private final MessageCodec codec = MessageCodec.protobuf();

  @Test
  void roundTripsIntoAFreshObject() {
    Puzzle p = Puzzle.newBuilder().setChallenge("2+2").setDifficulty(3).build();
    byte[] bytes = codec.encode(p);
    assertThat(bytes).isEqualTo(p.toByteArray());
    Puzzle back = codec.decode(bytes, Puzzle.class);
    assertThat(back).isEqualTo(p).isNotSameAs(p);
    assertThat(codec.decode(bytes, Puzzle.class)).isNotSameAs(back);
  }

  @Test
  void badBytesFailWithTheTypeAndReason() {
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}, Puzzle.class))
        .isInstanceOf(MessageCodecException.class)
        .hasMessageStartingWith("cannot decode 3 bytes as io.serenity.p2p.server.testpb.Puzzle: ");
  }

  @Test
  void checkTypeRejectsClassesWithoutAParser() {
    codec.checkType(Puzzle.class);
    assertThatThrownBy(() -> codec.checkType(com.google.protobuf.Message.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a generated protobuf message class");
  }
}
