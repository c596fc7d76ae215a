/**
 * Ethereum Node Records (EIP-778, "v4" identity scheme) and the strict RLP codec under them; one
 * exception, {@link io.serenity.p2p.eth2.enr.RlpException}, for every bad input.
 */
package io.serenity.p2p.eth2.enr;
