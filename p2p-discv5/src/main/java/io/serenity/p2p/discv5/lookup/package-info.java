/** Iterative Kademlia lookups over FINDNODE: {@link io.serenity.p2p.discv5.lookup.Lookup}. */
package io.serenity.p2p.discv5.lookup;
