package io.serenity.p2p.noise;

/** A Noise handshake or transport failure: bad message, failed decryption, bad identity. */
public class NoiseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NoiseException(String message) {
    super(message);
  }

  public NoiseException(String message, Throwable cause) {
    super(message, cause);
  }
}
