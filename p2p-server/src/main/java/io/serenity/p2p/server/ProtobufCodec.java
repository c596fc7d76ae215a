package io.serenity.p2p.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.lang.reflect.InvocationTargetException;

/** {@link MessageCodec#protobuf()}: the type's own parser, looked up once per class. */
final class ProtobufCodec implements MessageCodec {

  static final ProtobufCodec INSTANCE = new ProtobufCodec();

  private static final ClassValue<Parser<?>> PARSERS =
      new ClassValue<>() {
        @Override
        protected Parser<?> computeValue(Class<?> type) {
          return parserOf(type);
        }
      };

  private ProtobufCodec() {}

  @Override
  public String name() {
    return "protobuf";
  }

  @Override
  public void checkType(Class<?> type) {
    if (!com.google.protobuf.Message.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(
          type.getName() + " is not a protobuf message: the protobuf codec encodes only"
              + " com.google.protobuf.Message types; configure another MessageCodec for it");
    }
    PARSERS.get(type);
  }

  @Override
  public byte[] encode(Object message) {
    if (!(message instanceof com.google.protobuf.Message m)) {
      throw new MessageCodecException(
          "not a protobuf message: " + (message == null ? "null" : message.getClass().getName()));
    }
    return m.toByteArray();
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    try {
      return type.cast(PARSERS.get(type).parseFrom(data));
    } catch (InvalidProtocolBufferException e) {
      throw new MessageCodecException(
          "cannot decode " + data.length + " bytes as " + type.getName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The parser of a generated message class, from its static {@code getDefaultInstance()}; checked
   * at registration so a class without one fails early.
   */
  static Parser<?> parserOf(Class<?> type) {
    try {
      Object instance = type.getMethod("getDefaultInstance").invoke(null);
      return ((com.google.protobuf.Message) instance).getParserForType();
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException | ClassCastException e) {
      throw new IllegalArgumentException(
          type.getName() + " is not a generated protobuf message class (no usable getDefaultInstance())", e);
    }
  }
}
