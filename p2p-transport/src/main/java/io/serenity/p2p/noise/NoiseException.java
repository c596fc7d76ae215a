package io.serenity.p2p.noise;

/** A Noise handshake or transport failure: bad message, failed decryption, bad identity. */
public class NoiseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public NoiseException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public NoiseException(String message, Throwable cause) {
    super(message, cause);
  }
}
