/**
 * Sessions and the handshake: {@link io.serenity.p2p.discv5.session.NodeAddress},
 * {@link io.serenity.p2p.discv5.session.Session}, the LRU
 * {@link io.serenity.p2p.discv5.session.SessionCache}, the
 * {@link io.serenity.p2p.discv5.session.ChallengeStore} and the state machine
 * {@link io.serenity.p2p.discv5.session.SessionLayer}. Not thread-safe: the service's event loop
 * owns every instance.
 */
package io.serenity.p2p.discv5.session;
