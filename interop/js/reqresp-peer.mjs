// js partner for the eth2 req/resp interop tests (ReqRespInteropTest.java): a js-libp2p node that
// speaks /eth2/beacon_chain/req/{status/1,ping/1,metadata/2,goodbye/1}/ssz_snappy, written from
// consensus-specs phase0/altair p2p-interface.md, and with --fulu also status/2, metadata/3 (fulu)
// and the multi-chunk beacon_blocks_by_range/2 and beacon_blocks_by_head/1 with fork-digest context
// bytes (deneb/fulu); blocks are synthetic opaque bytes whose first byte is the slot. The snappy *framing* format (stream identifier,
// compressed/uncompressed chunks with masked CRC-32C) is implemented here; snappyjs does the blocks.
//
// Prints one JSON object per line on stdout; diagnostics on stderr. Exits when stdin closes.
import './polyfill.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mplex } from '@libp2p/mplex'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import snappy from 'snappyjs'

const USAGE = `usage: node reqresp-peer.mjs [options]
  --fork-digest <hex>     our Status fork_digest (4 bytes, default 00000000)
  --head-slot <n>         our Status head_slot (default 0); head_root is 32 bytes of (n & 0xff)
  --finalized-epoch <n>   our Status finalized_epoch (default 0)
  --seq <n>               our MetaData seq_number (default 0)
  --attnets <hex>         our attnets, 8 bytes (default 0000000000000000)
  --syncnets <hex>        our syncnets, 1 byte (default 00)
  --dial <multiaddr>      dial this peer, then request Status, Ping and MetaData from it
  --timeout-ms <ms>       bound on each request (default 15000)
  --fulu                  also serve (and, with --dial, request) status/2, metadata/3,
                          beacon_blocks_by_range/2 and beacon_blocks_by_head/1
  --earliest-slot <n>     our Status v2 earliest_available_slot (default 0)
  --cgc <n>               our MetaData v3 custody_group_count (default 4)
  --fork-slot <n>         blocks below this slot carry --prev-fork-digest as context (default 0)
  --prev-fork-digest <h>  context of blocks before --fork-slot (default 01020304)`

const PREFIX = '/eth2/beacon_chain/req/'
const STATUS = PREFIX + 'status/1/ssz_snappy'
const PING = PREFIX + 'ping/1/ssz_snappy'
const METADATA = PREFIX + 'metadata/2/ssz_snappy'
const GOODBYE = PREFIX + 'goodbye/1/ssz_snappy'
const STATUS_V2 = PREFIX + 'status/2/ssz_snappy'
const METADATA_V3 = PREFIX + 'metadata/3/ssz_snappy'
const BLOCKS_BY_RANGE = PREFIX + 'beacon_blocks_by_range/2/ssz_snappy'
const BLOCKS_BY_HEAD = PREFIX + 'beacon_blocks_by_head/1/ssz_snappy'
const MAX_REQUEST_BLOCKS_DENEB = 128
const MAX_PAYLOAD_SIZE = 10 * 1024 * 1024

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}
const why = (err) => String(err?.message ?? err)
const hex = (b) => Buffer.from(b).toString('hex')

// ---- CRC-32C (Castagnoli), masked as the snappy framing format requires ----
const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = (c & 1) ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
    t[i] = c >>> 0
  }
  return t
})()

function crc32c (data) {
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function maskedCrc (data) {
  const c = crc32c(data)
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0
}

// ---- snappy framing format ----
const STREAM_ID = Uint8Array.from([0xff, 6, 0, 0, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]) // "sNaPpY"

function frameEncode (data) {
  const parts = [STREAM_ID]
  for (let off = 0; off < data.length; off += 65536) {
    const piece = data.subarray(off, Math.min(data.length, off + 65536))
    const compressed = snappy.compress(piece)
    const useCompressed = compressed.length < piece.length
    const body = useCompressed ? compressed : piece
    const header = new Uint8Array(8)
    const len = body.length + 4
    header[0] = useCompressed ? 0x00 : 0x01
    header[1] = len & 0xff
    header[2] = (len >>> 8) & 0xff
    header[3] = (len >>> 16) & 0xff
    new DataView(header.buffer).setUint32(4, maskedCrc(piece), true)
    parts.push(header, body)
  }
  return Buffer.concat(parts)
}

/** Decodes framed snappy at buf[pos...] until `length` bytes are out; returns [data, next position]. */
function frameDecode (buf, pos, length) {
  const out = new Uint8Array(length)
  let produced = 0
  let sawId = false
  const limit = pos + 32 + length + Math.floor(length / 6) // max_compressed_len
  while (!(sawId && produced === length)) {
    if (pos + 4 > buf.length) throw new Error('snappy frames truncated')
    const type = buf[pos]
    const len = buf[pos + 1] | (buf[pos + 2] << 8) | (buf[pos + 3] << 16)
    const body = buf.subarray(pos + 4, pos + 4 + len)
    if (body.length < len) throw new Error('snappy chunk truncated')
    pos += 4 + len
    if (pos > limit) throw new Error('more than max_compressed_len bytes')
    if (!sawId && type !== 0xff) throw new Error('no snappy stream identifier')
    if (type === 0xff) {
      if (hex(body) !== hex(STREAM_ID.subarray(4))) throw new Error('bad stream identifier')
      sawId = true
    } else if (type === 0x00 || type === 0x01) {
      const crc = new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true)
      const data = type === 0x00 ? snappy.uncompress(body.subarray(4), 65536) : body.subarray(4)
      if (produced + data.length > length) throw new Error('snappy data over the declared length')
      if (maskedCrc(data) !== crc) throw new Error('snappy CRC mismatch')
      out.set(data, produced)
      produced += data.length
    } else if (type >= 0x02 && type <= 0x7f) {
      throw new Error(`reserved unskippable chunk ${type}`)
    }
  }
  return [out, pos]
}

// ---- uvarint ----
function varintEncode (n) {
  const out = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Uint8Array.from(out)
}

function varintDecode (buf, pos) {
  let n = 0
  let mul = 1
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('varint truncated')
    const b = buf[pos++]
    n += (b & 0x7f) * mul
    if ((b & 0x80) === 0) return [n, pos]
    mul *= 128
  }
  throw new Error('varint too long')
}

// ---- ssz_snappy requests and response chunks ----
const encodeRequest = (ssz) => Buffer.concat([varintEncode(ssz.length), frameEncode(ssz)])
const encodeSuccess = (ssz) => Buffer.concat([Uint8Array.of(0), varintEncode(ssz.length), frameEncode(ssz)])
const encodeError = (code, text) => {
  const msg = Buffer.from(text, 'utf8').subarray(0, 256)
  return Buffer.concat([Uint8Array.of(code), varintEncode(msg.length), frameEncode(msg)])
}

const encodeContextSuccess = (context, ssz) =>
  Buffer.concat([Uint8Array.of(0), context, varintEncode(ssz.length), frameEncode(ssz)])

/**
 * Decodes a multi-chunk response whose success chunks carry 4 context bytes: returns
 * [{context, ssz}], or throws with the error text of an error chunk (after the chunks before it).
 */
function decodeContextChunks (buf, maxChunks) {
  const chunks = []
  let pos = 0
  while (pos < buf.length) {
    if (chunks.length >= maxChunks) throw new Error('more chunks than the request allows')
    const code = buf[pos++]
    if (code !== 0) {
      const [n, p] = varintDecode(buf, pos)
      if (n > 256) throw new Error('error message too long')
      const [msg] = frameDecode(buf, p, n)
      throw new Error(`error response ${code}: ${Buffer.from(msg).toString('utf8')}`)
    }
    if (pos + 4 > buf.length) throw new Error('context bytes truncated')
    const context = buf.subarray(pos, pos + 4)
    const [n, p] = varintDecode(buf, pos + 4)
    if (n > MAX_PAYLOAD_SIZE) throw new Error('chunk over MAX_PAYLOAD_SIZE')
    const [ssz, end] = frameDecode(buf, p, n)
    chunks.push({ context: hex(context), ssz })
    pos = end
  }
  return chunks
}

function decodeRequest (buf, size) {
  const [n, p] = varintDecode(buf, 0)
  if (n !== size) throw new Error(`request length ${n}, expected ${size}`)
  const [ssz, end] = frameDecode(buf, p, n)
  if (end !== buf.length) throw new Error('trailing bytes after the request')
  return ssz
}

/** Decodes a single-chunk response: returns the SSZ bytes or throws with the error text. */
function decodeResponse (buf, size) {
  if (buf.length === 0) throw new Error('empty response')
  const code = buf[0]
  const [n, p] = varintDecode(buf, 1)
  if (code !== 0) {
    if (n > 256) throw new Error('error message too long')
    const [msg] = frameDecode(buf, p, n)
    throw new Error(`error response ${code}: ${Buffer.from(msg).toString('utf8')}`)
  }
  if (n !== size) throw new Error(`response length ${n}, expected ${size}`)
  if (n > MAX_PAYLOAD_SIZE) throw new Error('response over MAX_PAYLOAD_SIZE')
  const [ssz, end] = frameDecode(buf, p, n)
  if (end !== buf.length) throw new Error('trailing bytes after the response chunk')
  return ssz
}

// ---- SSZ of the four messages ----
const u64 = (v) => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(v))
  return b
}
const readU64 = (b, off) => Buffer.from(b).readBigUInt64LE(off).toString()

function statusSsz (s) {
  return Buffer.concat([s.forkDigest, s.finalizedRoot, u64(s.finalizedEpoch), s.headRoot, u64(s.headSlot)])
}

function statusJson (b) {
  if (b.length !== 84) throw new Error(`Status of ${b.length} bytes`)
  return {
    forkDigest: hex(b.subarray(0, 4)),
    finalizedRoot: hex(b.subarray(4, 36)),
    finalizedEpoch: readU64(b, 36),
    headRoot: hex(b.subarray(44, 76)),
    headSlot: readU64(b, 76)
  }
}

const statusV2Ssz = (s) => Buffer.concat([statusSsz(s), u64(s.earliestSlot)])
function statusV2Json (b) {
  if (b.length !== 92) throw new Error(`Status v2 of ${b.length} bytes`)
  return { ...statusJson(b.subarray(0, 84)), earliestAvailableSlot: readU64(b, 84) }
}
const metaDataV3Ssz = (m) => Buffer.concat([u64(m.seq), m.attnets, m.syncnets, u64(m.cgc)])
function metaDataV3Json (b) {
  if (b.length !== 25) throw new Error(`MetaData v3 of ${b.length} bytes`)
  return { ...metaDataJson(b.subarray(0, 17)), custodyGroupCount: readU64(b, 17) }
}

/** A synthetic block: opaque bytes, 100 + (slot mod 50) long, the first byte the slot. */
function block (slot) {
  const b = Buffer.alloc(100 + (slot % 50))
  b[0] = slot & 0xff
  return b
}
const blockJson = (c) => ({ context: c.context, slot: c.ssz[0], length: c.ssz.length })

const metaDataSsz = (m) => Buffer.concat([u64(m.seq), m.attnets, m.syncnets])
function metaDataJson (b) {
  if (b.length !== 17) throw new Error(`MetaData of ${b.length} bytes`)
  return { seq: readU64(b, 0), attnets: hex(b.subarray(8, 16)), syncnets: hex(b.subarray(16, 17)) }
}

// ---- streams ----
const chunkBytes = (data) => data instanceof Uint8Array ? data : data.subarray()

/** Everything the remote writes until it closes its write side. */
function readAll (stream, signal) {
  return new Promise((resolve, reject) => {
    const parts = []
    let done = false
    const finish = (err) => {
      if (done) return
      done = true
      if (err != null) reject(err)
      else resolve(Buffer.concat(parts))
    }
    stream.addEventListener('message', (evt) => { parts.push(Buffer.from(chunkBytes(evt.data))) })
    stream.addEventListener('end', () => finish())
    stream.addEventListener('close', (evt) => finish(evt.error))
    signal?.addEventListener('abort', () => finish(new Error('timeout')), { once: true })
  })
}

function parseArgs (argv) {
  const o = { forkDigest: '00000000', headSlot: 0, finalizedEpoch: 0, seq: 0, attnets: '0000000000000000', syncnets: '00', dial: null, timeoutMs: 15_000, fulu: false, earliestSlot: 0, cgc: 4, forkSlot: 0, prevForkDigest: '01020304' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    switch (a) {
      case '--fork-digest': o.forkDigest = next(); break
      case '--head-slot': o.headSlot = Number(next()); break
      case '--finalized-epoch': o.finalizedEpoch = Number(next()); break
      case '--seq': o.seq = Number(next()); break
      case '--attnets': o.attnets = next(); break
      case '--syncnets': o.syncnets = next(); break
      case '--dial': o.dial = next(); break
      case '--timeout-ms': o.timeoutMs = Number(next()); break
      case '--fulu': o.fulu = true; break
      case '--earliest-slot': o.earliestSlot = Number(next()); break
      case '--cgc': o.cgc = Number(next()); break
      case '--fork-slot': o.forkSlot = Number(next()); break
      case '--prev-fork-digest': o.prevForkDigest = next(); break
      case '--help': case '-h': process.stderr.write(USAGE + '\n'); process.exit(0); break
      default: throw new Error(`unknown option ${a}`)
    }
  }
  const bytes = (name, h, n) => {
    const b = Buffer.from(h, 'hex')
    if (b.length !== n) throw new Error(`${name} must be ${n} bytes of hex`)
    return b
  }
  return {
    ...o,
    status: {
      forkDigest: bytes('--fork-digest', o.forkDigest, 4),
      finalizedRoot: Buffer.alloc(32),
      finalizedEpoch: o.finalizedEpoch,
      headRoot: Buffer.alloc(32, o.headSlot & 0xff),
      headSlot: o.headSlot,
      earliestSlot: o.earliestSlot
    },
    prevDigest: bytes('--prev-fork-digest', o.prevForkDigest, 4),
    metaData: { seq: o.seq, attnets: bytes('--attnets', o.attnets, 8), syncnets: bytes('--syncnets', o.syncnets, 1), cgc: o.cgc }
  }
}

/** Serves one method: reads the whole request, answers with answer(sszRequest) or an error chunk. */
function serve (node, protocol, name, requestSize, answer) {
  return node.handle(protocol, (stream, connection) => {
    const peerId = connection.remotePeer.toString()
    readAll(stream, AbortSignal.timeout(10_000)).then(async (buf) => {
      let reply
      try {
        const req = requestSize == null ? null : decodeRequest(buf, requestSize)
        reply = answer(req, peerId)
      } catch (err) {
        emit({ event: 'error', what: 'serve-' + name, peerId, why: why(err) })
        reply = encodeError(1, why(err))
      }
      if (reply != null) stream.send(reply)
      await stream.close()
    }).catch((err) => {
      emit({ event: 'error', what: 'serve-' + name, peerId, why: why(err) })
      stream.abort(err)
    })
  })
}

async function request (node, peer, protocol, body, signal) {
  const stream = await node.dialProtocol(peer, protocol, { signal })
  const reading = readAll(stream, signal)
  if (body != null) stream.send(body)
  await stream.close({ signal })
  return reading
}

async function runDialer (node, o) {
  const signal = () => AbortSignal.timeout(o.timeoutMs)
  let ok = true
  let connection
  try {
    connection = await node.dial(multiaddr(o.dial), { signal: signal() })
  } catch (err) {
    emit({ event: 'error', what: 'dial', why: why(err) })
    return false
  }
  const peer = connection.remotePeer
  // phase0 "Status": the dialing side sends Status first
  const steps = [
    ['status', STATUS, encodeRequest(statusSsz(o.status)), (b) => ({ status: statusJson(decodeResponse(b, 84)) })],
    ['ping', PING, encodeRequest(u64(o.metaData.seq)), (b) => ({ seq: readU64(decodeResponse(b, 8), 0) })],
    ['metadata', METADATA, null, (b) => ({ metaData: metaDataJson(decodeResponse(b, 17)) })]
  ]
  for (const [name, protocol, body, decode] of steps) {
    try {
      const buf = await request(node, peer, protocol, body, signal())
      emit({ event: 'response', method: name, peerId: peer.toString(), ...decode(buf) })
    } catch (err) {
      emit({ event: 'error', what: name, why: why(err) })
      ok = false
    }
  }
  if (o.fulu) {
    const fuluSteps = [
      ['status-v2', STATUS_V2, encodeRequest(statusV2Ssz(o.status)), (b) => ({ status: statusV2Json(decodeResponse(b, 92)) })],
      ['metadata-v3', METADATA_V3, null, (b) => ({ metaData: metaDataV3Json(decodeResponse(b, 25)) })],
      ['blocks-by-range', BLOCKS_BY_RANGE, encodeRequest(Buffer.concat([u64(10), u64(6), u64(1)])),
        (b) => ({ blocks: decodeContextChunks(b, 6).map(blockJson) })],
      ['blocks-by-head', BLOCKS_BY_HEAD, encodeRequest(Buffer.concat([Buffer.alloc(32, 0xab), u64(3)])),
        (b) => ({ blocks: decodeContextChunks(b, 3).map(blockJson) })],
      // over MAX_REQUEST_BLOCKS_DENEB: the answer must be an error chunk
      ['blocks-by-range-too-many', BLOCKS_BY_RANGE, encodeRequest(Buffer.concat([u64(0), u64(129), u64(1)])),
        (b) => {
          try {
            decodeContextChunks(b, MAX_REQUEST_BLOCKS_DENEB)
          } catch (err) {
            return { error: why(err) }
          }
          throw new Error('a request for 129 blocks was answered with success')
        }]
    ]
    for (const [name, protocol, body, decode] of fuluSteps) {
      try {
        const buf = await request(node, peer, protocol, body, signal())
        emit({ event: 'response', method: name, peerId: peer.toString(), ...decode(buf) })
      } catch (err) {
        emit({ event: 'error', what: name, why: why(err) })
        ok = false
      }
    }
  }
  // a malformed request (a 7-byte Ping) must be answered with InvalidRequest (1)
  try {
    const buf = await request(node, peer, PING, encodeRequest(Buffer.alloc(7)), signal())
    decodeResponse(buf, 8)
    emit({ event: 'error', what: 'bad-ping', why: 'a 7-byte Ping was answered with success' })
    ok = false
  } catch (err) {
    emit({ event: 'response', method: 'bad-ping', peerId: peer.toString(), error: why(err) })
  }
  return ok
}

async function main () {
  let o
  try {
    o = parseArgs(process.argv.slice(2))
  } catch (err) {
    emit({ event: 'error', what: 'args', why: why(err) })
    process.stderr.write(USAGE + '\n')
    process.exitCode = 2
    return
  }
  const node = await createLibp2p({
    privateKey: await generateKeyPair('secp256k1'),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux(), mplex()],
    services: { identify: identify(), ping: ping() }
  })
  node.addEventListener('connection:open', (evt) => {
    emit({ event: 'connected', peerId: evt.detail.remotePeer.toString(), direction: evt.detail.direction })
  })
  node.addEventListener('connection:close', (evt) => {
    emit({ event: 'disconnected', peerId: evt.detail.remotePeer.toString() })
  })

  await serve(node, STATUS, 'status', 84, (req, peerId) => {
    emit({ event: 'request', method: 'status', peerId, status: statusJson(req) })
    return encodeSuccess(statusSsz(o.status))
  })
  await serve(node, PING, 'ping', 8, (req, peerId) => {
    emit({ event: 'request', method: 'ping', peerId, seq: readU64(req, 0) })
    return encodeSuccess(u64(o.metaData.seq))
  })
  await serve(node, METADATA, 'metadata', null, (req, peerId) => {
    emit({ event: 'request', method: 'metadata', peerId })
    return encodeSuccess(metaDataSsz(o.metaData))
  })
  if (o.fulu) {
    await serve(node, STATUS_V2, 'status-v2', 92, (req, peerId) => {
      emit({ event: 'request', method: 'status-v2', peerId, status: statusV2Json(req) })
      return encodeSuccess(statusV2Ssz(o.status))
    })
    await serve(node, METADATA_V3, 'metadata-v3', null, (req, peerId) => {
      emit({ event: 'request', method: 'metadata-v3', peerId })
      return encodeSuccess(metaDataV3Ssz(o.metaData))
    })
    const contextOf = (slot) => slot < o.forkSlot ? o.prevDigest : o.status.forkDigest
    await serve(node, BLOCKS_BY_RANGE, 'blocks-by-range', 24, (req, peerId) => {
      const start = Number(Buffer.from(req).readBigUInt64LE(0))
      const count = Number(Buffer.from(req).readBigUInt64LE(8))
      emit({ event: 'request', method: 'blocks-by-range', peerId, startSlot: String(start), count: String(count) })
      // deneb "BeaconBlocksByRange v2": no more than MAX_REQUEST_BLOCKS_DENEB may be requested
      if (count > MAX_REQUEST_BLOCKS_DENEB) return encodeError(1, `count ${count} over ${MAX_REQUEST_BLOCKS_DENEB}`)
      const parts = []
      for (let s = start; s < start + count; s++) parts.push(encodeContextSuccess(contextOf(s), block(s)))
      return Buffer.concat(parts)
    })
    await serve(node, BLOCKS_BY_HEAD, 'blocks-by-head', 40, (req, peerId) => {
      const count = Number(Buffer.from(req).readBigUInt64LE(32))
      emit({ event: 'request', method: 'blocks-by-head', peerId, beaconRoot: hex(req.subarray(0, 32)), count: String(count) })
      // fulu "BeaconBlocksByHead v1": descending from the root, at most min(count, MAX_REQUEST_BLOCKS_DENEB)
      const parts = []
      const n = Math.min(count, MAX_REQUEST_BLOCKS_DENEB, o.headSlot + 1)
      for (let i = 0; i < n; i++) {
        const s = o.headSlot - i
        parts.push(encodeContextSuccess(contextOf(s), block(s)))
      }
      return Buffer.concat(parts)
    })
  }
  await serve(node, GOODBYE, 'goodbye', 8, (req, peerId) => {
    emit({ event: 'request', method: 'goodbye', peerId, reason: readU64(req, 0) })
    return null // Goodbye gets no response chunk
  })

  let stopping = false
  const shutdown = async () => {
    if (stopping) return
    stopping = true
    setTimeout(() => process.exit(0), 5_000).unref()
    try {
      await node.stop()
    } catch (err) {
      emit({ event: 'error', what: 'stop', why: why(err) })
    }
    emit({ event: 'stopped' })
    process.exit(0)
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  process.stdin.on('end', shutdown)
  process.stdin.on('close', shutdown)
  process.stdin.resume()

  emit({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })
  if (o.dial != null) {
    const ok = await runDialer(node, o)
    emit({ event: 'done', ok })
  }
}

await main()
