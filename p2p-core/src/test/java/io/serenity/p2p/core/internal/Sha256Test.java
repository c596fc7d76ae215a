package io.serenity.p2p.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class Sha256Test {

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Test
  void hashesTheFips180Vectors() {
    assertThat(hex(Sha256.hash(new byte[0])))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(hex(Sha256.hash("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void aDigestLeftHalfUsedDoesNotLeakIntoTheNextHash() {
    Sha256.threadDigest().update("left behind".getBytes(StandardCharsets.US_ASCII));
    assertThat(hex(Sha256.hash("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void eachThreadHasItsOwnDigest() throws Exception {
    MessageDigest here = Sha256.threadDigest();
    MessageDigest there = CompletableFuture.supplyAsync(Sha256::threadDigest, r -> new Thread(r).start()).get();
    assertThat(there).isNotSameAs(here);
    assertThat(Sha256.threadDigest()).isSameAs(here);
  }
}
