/**
 * The cryptography of discv5 (discv5-theory.md, "Handshake Steps"; discv5-wire.md, "Protocol
 * Header"): secp256k1 ECDH and signatures, session key derivation, the id-signature, AES-GCM
 * message encryption, AES-CTR header masking, and {@link io.serenity.p2p.discv5.crypto.RandomSource},
 * through which every random value is drawn so that test vectors can be replayed.
 */
package io.serenity.p2p.discv5.crypto;
