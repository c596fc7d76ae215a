package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.eth2.ssz.SszCodec;
import java.util.Objects;

/**
 * One req/resp method: its protocol id {@code <prefix><name>/<version>/ssz_snappy} (the prefix is
 * the beacon chain's {@code /eth2/beacon_chain/req/} unless {@link #withProtocolPrefix} names
 * another), the SSZ codecs of request and response, their size bounds and how many response chunks
 * it may carry (phase0 p2p-interface.md "Protocol identification", "Req/Resp interaction").
 *
 * <pre>{@code
 * Method<BlocksByRangeRequest, SignedBlock> byRange =
 *     Method.chunked("beacon_blocks_by_range", 2, REQ_CODEC, BLOCK_CODEC, 1024)
 *         .withResponseBounds(100, 10 * 1024 * 1024)
 *         .withForkDigestContext();
 * }</pre>
 *
 * @param protocolPrefix the protocol id up to the message name, starting and ending with {@code /}
 *     ({@link #PREFIX} for the beacon chain methods)
 * @param name message name (letters, digits, underscores)
 * @param version schema version
 * @param requestCodec request type, or null for a method without request content (GetMetaData)
 * @param minRequestSize smallest SSZ length of a request
 * @param maxRequestSize largest SSZ length of a request
 * @param responseCodec response (chunk) type
 * @param minResponseSize smallest SSZ length of a response chunk
 * @param maxResponseSize largest SSZ length of a response chunk (capped by {@code MAX_PAYLOAD_SIZE})
 * @param maxResponseChunks response chunks allowed (1 for single-response methods)
 * @param forkDigestContext success chunks carry 4 context bytes (the fork digest) before the length,
 *     as the v2 block methods do
 * @param <Q> request type
 * @param <R> response chunk type
 */
public record Method<Q, R>(
    String protocolPrefix,
    String name,
    int version,
    SszCodec<Q> requestCodec,
    int minRequestSize,
    int maxRequestSize,
    SszCodec<R> responseCodec,
    int minResponseSize,
    int maxResponseSize,
    int maxResponseChunks,
    boolean forkDigestContext) {

  /** {@code MAX_PAYLOAD_SIZE}: 10 MiB, the bound on any uncompressed chunk. */
  public static final int MAX_PAYLOAD_SIZE = 10 * 1024 * 1024;

  /** Protocol id prefix of the beacon chain req/resp family. */
  public static final String PREFIX = "/eth2/beacon_chain/req/";

  /** Checks the fields. */
  public Method {
    Objects.requireNonNull(protocolPrefix, "protocolPrefix");
    Objects.requireNonNull(name, "name");
    if (!protocolPrefix.matches("/([A-Za-z0-9_.-]+/)*")) {
      throw new IllegalArgumentException(
          "protocol prefix must be /-separated letters, digits, '_', '.', '-' with a leading and trailing /: "
              + protocolPrefix);
    }
    Objects.requireNonNull(responseCodec, "responseCodec");
    if (!name.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException("method name must be letters, digits and underscores: " + name);
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1: " + version);
    }
    if (minRequestSize < 0 || maxRequestSize < minRequestSize || maxRequestSize > MAX_PAYLOAD_SIZE) {
      throw new IllegalArgumentException("request bounds must satisfy 0 <= min <= max <= MAX_PAYLOAD_SIZE");
    }
    if (minResponseSize < 0 || maxResponseSize < minResponseSize || maxResponseSize > MAX_PAYLOAD_SIZE) {
      throw new IllegalArgumentException("response bounds must satisfy 0 <= min <= max <= MAX_PAYLOAD_SIZE");
    }
    if (maxResponseChunks < 1) {
      throw new IllegalArgumentException("maxResponseChunks must be >= 1: " + maxResponseChunks);
    }
  }

  /**
   * {@return a method answered by exactly one chunk; bounds come from fixed-size codecs}
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param name the protocol name, e.g. {@code status}
   * @param version the protocol version
   * @param request the request codec
   * @param response the response codec
   */
  public static <Q, R> Method<Q, R> single(String name, int version, SszCodec<Q> request, SszCodec<R> response) {
    return chunked(name, version, request, response, 1);
  }

  /**
   * {@return a method answered by up to {@code maxChunks} chunks (the by-range / by-root style)}
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param name the protocol name, e.g. {@code beacon_blocks_by_range}
   * @param version the protocol version
   * @param request the request codec
   * @param response the response codec
   * @param maxChunks the most chunks one response may carry
   */
  public static <Q, R> Method<Q, R> chunked(
      String name, int version, SszCodec<Q> request, SszCodec<R> response, int maxChunks) {
    int reqMin = request == null ? 0 : Math.max(0, request.fixedSize());
    int reqMax = request == null ? 0 : request.fixedSize() >= 0 ? request.fixedSize() : MAX_PAYLOAD_SIZE;
    int respMin = Math.max(0, response.fixedSize());
    int respMax = response.fixedSize() >= 0 ? response.fixedSize() : MAX_PAYLOAD_SIZE;
    return new Method<>(PREFIX, name, version, request, reqMin, reqMax, response, respMin, respMax, maxChunks, false);
  }

  /**
   * {@return a copy with other request size bounds (for variable-size request types)}
   *
   * @param min the smallest request, in bytes
   * @param max the largest request, in bytes
   */
  public Method<Q, R> withRequestBounds(int min, int max) {
    return new Method<>(protocolPrefix, name, version, requestCodec, min, max, responseCodec, minResponseSize, maxResponseSize,
        maxResponseChunks, forkDigestContext);
  }

  /**
   * {@return a copy with other response size bounds (for variable-size response types)}
   *
   * @param min the smallest response chunk, in bytes
   * @param max the largest response chunk, in bytes
   */
  public Method<Q, R> withResponseBounds(int min, int max) {
    return new Method<>(protocolPrefix, name, version, requestCodec, minRequestSize, maxRequestSize, responseCodec, min, max,
        maxResponseChunks, forkDigestContext);
  }

  /** {@return a copy whose success chunks carry the fork digest as context bytes} */
  public Method<Q, R> withForkDigestContext() {
    return new Method<>(protocolPrefix, name, version, requestCodec, minRequestSize, maxRequestSize, responseCodec,
        minResponseSize, maxResponseSize, maxResponseChunks, true);
  }

  /**
   * A copy under another protocol family, for methods outside the beacon chain's: {@code
   * withProtocolPrefix("/myapp/req/")} gives {@code /myapp/req/<name>/<version>/ssz_snappy}.
   *
   * @param prefix the protocol id's prefix, ending in {@code /}
   * @return the copy
   */
  public Method<Q, R> withProtocolPrefix(String prefix) {
    return new Method<>(prefix, name, version, requestCodec, minRequestSize, maxRequestSize, responseCodec,
        minResponseSize, maxResponseSize, maxResponseChunks, forkDigestContext);
  }

  /** {@return {@code <prefix><name>/<version>/ssz_snappy}, e.g. {@code /eth2/beacon_chain/req/status/1/ssz_snappy}} */
  public String protocolId() {
    return protocolPrefix + name + "/" + version + "/ssz_snappy";
  }

  /** {@return true when the request has no content (the stream carries no request bytes)} */
  public boolean hasNoRequest() {
    return requestCodec == null;
  }

  int contextLength() {
    return forkDigestContext ? 4 : 0;
  }
}
