package io.serenity.p2p.noise;

import java.util.HexFormat;

final class Hex {
  private Hex() {}

  static byte[] decode(String s) {
    return HexFormat.of().parseHex(s);
  }

  static String encode(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
