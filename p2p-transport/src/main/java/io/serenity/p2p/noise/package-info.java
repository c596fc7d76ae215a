/**
 * The libp2p Noise secure channel ({@code /noise}, {@code Noise_XX_25519_ChaChaPoly_SHA256}).
 * Entry point: {@link io.serenity.p2p.noise.Noise}; the handshake runs in {@link
 * io.serenity.p2p.noise.NoiseHandshakeHandler} and yields a {@link
 * io.serenity.p2p.noise.SecureSession}. The Noise state machine ({@code HandshakeState}, {@code
 * SymmetricState}, {@code CipherState}) is package-private and pure.
 */
package io.serenity.p2p.noise;
