/**
 * The discv5 node: {@link io.serenity.p2p.discv5.service.Discv5Service} on one UDP socket and its
 * {@link io.serenity.p2p.discv5.service.Discv5Config}.
 */
package io.serenity.p2p.discv5.service;
