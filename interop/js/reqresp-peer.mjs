// js partner for the eth2 req/resp interop tests (ReqRespInteropTest.java): a js-libp2p node that
// speaks /eth2/beacon_chain/req/{status/1,ping/1,metadata/2,goodbye/1}/ssz_snappy, written from
// consensus-specs phase0/altair p2p-interface.md, and with --fulu also status/2, metadata/3 (fulu)
// and the multi-chunk methods with fork-digest context bytes: beacon_blocks_by_range/2,
// beacon_blocks_by_head/1, beacon_blocks_by_root/2, blob_sidecars_by_range/1 and _by_root/1 (deneb,
// electra limits) and data_column_sidecars_by_range/1 and _by_root/1 (fulu). Blocks and sidecars are
// synthetic opaque bytes (see "synthetic chain" below). The snappy *framing* format (stream identifier,
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
import { createHash } from 'node:crypto'

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
                          beacon_blocks_by_range/2, beacon_blocks_by_head/1,
                          beacon_blocks_by_root/2, blob_sidecars_by_range/1,
                          blob_sidecars_by_root/1, data_column_sidecars_by_range/1 and
                          data_column_sidecars_by_root/1
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
const BLOCKS_BY_ROOT = PREFIX + 'beacon_blocks_by_root/2/ssz_snappy'
const BLOBS_BY_RANGE = PREFIX + 'blob_sidecars_by_range/1/ssz_snappy'
const BLOBS_BY_ROOT = PREFIX + 'blob_sidecars_by_root/1/ssz_snappy'
const COLUMNS_BY_RANGE = PREFIX + 'data_column_sidecars_by_range/1/ssz_snappy'
const COLUMNS_BY_ROOT = PREFIX + 'data_column_sidecars_by_root/1/ssz_snappy'
const MAX_REQUEST_BLOCKS_DENEB = 128
const MAX_PAYLOAD_SIZE = 10 * 1024 * 1024
const NUMBER_OF_COLUMNS = 128
const MAX_BLOBS_PER_BLOCK_ELECTRA = 9
const MAX_REQUEST_BLOB_SIDECARS = MAX_REQUEST_BLOCKS_DENEB * MAX_BLOBS_PER_BLOCK_ELECTRA // 1152
const MAX_REQUEST_DATA_COLUMN_SIDECARS = MAX_REQUEST_BLOCKS_DENEB * NUMBER_OF_COLUMNS // 16384
// deneb BlobSidecar: index 8, blob 131072, kzg_commitment 48, kzg_proof 48, signed_block_header 208,
// kzg_commitment_inclusion_proof 17 * 32
const BLOB_SIDECAR_SIZE = 8 + 131072 + 48 + 48 + 208 + 17 * 32

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

/** Decodes a request of exactly `size` bytes, or of [min, max] bytes when `size` is a pair. */
function decodeRequest (buf, size) {
  const [n, p] = varintDecode(buf, 0)
  if (Array.isArray(size)) {
    if (n < size[0] || n > size[1]) throw new Error(`request length ${n}, expected ${size[0]}..${size[1]}`)
  } else if (n !== size) {
    throw new Error(`request length ${n}, expected ${size}`)
  }
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

// ---- synthetic chain (ReqRespInteropTest computes the same bytes) ----
// A block root is 32 equal bytes, the slot's low byte; any other root is unknown and skipped, as
// the by-root methods allow. Slot s holds s % 3 blobs. Payloads are fill(tag, a, b, length):
// blocks by root fill(1, slot, 0, 100 + slot % 50), blob sidecars fill(2, slot, index, 131928),
// data column sidecars fill(3, slot, column, 200 + column).
function fill (tag, a, b, length) {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = (tag * 97 + a * 31 + b * 17 + i * 131 + (i >>> 7)) & 0xff
  return out
}
const rootOf = (slot) => Buffer.alloc(32, slot & 0xff)
/** The slot of a known root, or -1. */
const slotOfRoot = (root) => root.every((x) => x === root[0]) ? root[0] : -1
const blobsAt = (slot) => slot % 3
const byRootBlock = (slot) => fill(1, slot, 0, 100 + (slot % 50))
const blobSidecar = (slot, index) => fill(2, slot, index, BLOB_SIDECAR_SIZE)
const columnSidecar = (slot, column) => fill(3, slot, column, 200 + column)
const sha256 = (b) => createHash('sha256').update(b).digest('hex')
const payloadJson = (c) => ({ context: c.context, length: c.ssz.length, sha256: sha256(c.ssz) })

// ---- SSZ of the sidecar requests ----
const listOfRoots = (buf, max) => {
  if (buf.length % 32 !== 0 || buf.length / 32 > max) throw new Error(`bad List[Root, ${max}] of ${buf.length} bytes`)
  const out = []
  for (let off = 0; off < buf.length; off += 32) out.push(buf.subarray(off, off + 32))
  return out
}
function columnList (buf) {
  if (buf.length % 8 !== 0 || buf.length / 8 > NUMBER_OF_COLUMNS) throw new Error(`bad column list of ${buf.length} bytes`)
  const out = []
  for (let off = 0; off < buf.length; off += 8) out.push(Number(Buffer.from(buf).readBigUInt64LE(off)))
  return out
}
const u32 = (v) => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(v)
  return b
}
const columnsSsz = (columns) => Buffer.concat(columns.map(u64))
// DataColumnSidecarsByRangeRequest: start_slot, count, offset of columns (20), columns
const columnsByRangeSsz = (start, count, columns) => Buffer.concat([u64(start), u64(count), u32(20), columnsSsz(columns)])
function columnsByRangeRequest (b) {
  if (b.length < 20 || Buffer.from(b).readUInt32LE(16) !== 20) throw new Error('bad DataColumnSidecarsByRangeRequest')
  return { start: Number(Buffer.from(b).readBigUInt64LE(0)), count: Number(Buffer.from(b).readBigUInt64LE(8)), columns: columnList(b.subarray(20)) }
}
// List[DataColumnsByRootIdentifier, 128]: an offset per element, then each (block_root, offset 36, columns)
function columnsByRootSsz (ids) {
  const elements = ids.map(({ root, columns }) => Buffer.concat([root, u32(36), columnsSsz(columns)]))
  const offsets = []
  let at = 4 * elements.length
  for (const e of elements) {
    offsets.push(u32(at))
    at += e.length
  }
  return Buffer.concat([...offsets, ...elements])
}
function columnsByRootRequest (b) {
  if (b.length === 0) return []
  const view = Buffer.from(b)
  const first = view.readUInt32LE(0)
  if (first % 4 !== 0 || first === 0 || first > b.length) throw new Error('bad first offset')
  const n = first / 4
  if (n > MAX_REQUEST_BLOCKS_DENEB) throw new Error(`more than ${MAX_REQUEST_BLOCKS_DENEB} identifiers`)
  const offsets = []
  for (let i = 0; i < n; i++) offsets.push(view.readUInt32LE(4 * i))
  offsets.push(b.length)
  const out = []
  for (let i = 0; i < n; i++) {
    if (offsets[i + 1] < offsets[i] + 36) throw new Error('bad identifier offsets')
    const e = b.subarray(offsets[i], offsets[i + 1])
    if (Buffer.from(e).readUInt32LE(32) !== 36) throw new Error('bad columns offset')
    out.push({ root: e.subarray(0, 32), columns: columnList(e.subarray(36)) })
  }
  return out
}
// List[BlobIdentifier, 1152]: (block_root, index) of 40 bytes each
function blobIdentifiers (b) {
  if (b.length % 40 !== 0 || b.length / 40 > MAX_REQUEST_BLOB_SIDECARS) throw new Error('bad List[BlobIdentifier]')
  const out = []
  for (let off = 0; off < b.length; off += 40) {
    out.push({ root: b.subarray(off, off + 32), index: Number(Buffer.from(b).readBigUInt64LE(off + 32)) })
  }
  return out
}

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
      // roots of slots 10 and 14 and an unknown root (skipped): two blocks
      ['blocks-by-root', BLOCKS_BY_ROOT, encodeRequest(Buffer.concat([rootOf(10), rootOf(14), Buffer.from('ff'.repeat(31) + '00', 'hex')])),
        (b) => ({ chunks: decodeContextChunks(b, 3).map(payloadJson) })],
      // slots 10..13 hold 1, 2, 0, 1 blobs
      ['blob-sidecars-by-range', BLOBS_BY_RANGE, encodeRequest(Buffer.concat([u64(10), u64(4)])),
        (b) => ({ chunks: decodeContextChunks(b, 4 * MAX_BLOBS_PER_BLOCK_ELECTRA).map(payloadJson) })],
      ['blob-sidecars-by-root', BLOBS_BY_ROOT, encodeRequest(Buffer.concat([rootOf(13), u64(0), rootOf(11), u64(1)])),
        (b) => ({ chunks: decodeContextChunks(b, 2).map(payloadJson) })],
      ['data-column-sidecars-by-range', COLUMNS_BY_RANGE, encodeRequest(columnsByRangeSsz(11, 3, [0, 5, 127])),
        (b) => ({ chunks: decodeContextChunks(b, 9).map(payloadJson) })],
      ['data-column-sidecars-by-root', COLUMNS_BY_ROOT,
        encodeRequest(columnsByRootSsz([{ root: rootOf(12), columns: [1, 2] }, { root: rootOf(20), columns: [127] }])),
        (b) => ({ chunks: decodeContextChunks(b, 3).map(payloadJson) })],
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
  if (o.fulu) {
    const contextOf = (slot) => slot < o.forkSlot ? o.prevDigest : o.status.forkDigest
    const chunk = (slot, ssz) => encodeContextSuccess(contextOf(slot), ssz)
    // altair/deneb "BeaconBlocksByRoot v2": the blocks it has, in request order; unknown roots skipped
    await serve(node, BLOCKS_BY_ROOT, 'blocks-by-root', [0, 32 * MAX_REQUEST_BLOCKS_DENEB], (req, peerId) => {
      const roots = listOfRoots(req, MAX_REQUEST_BLOCKS_DENEB)
      emit({ event: 'request', method: 'blocks-by-root', peerId, roots: roots.map(hex) })
      const parts = []
      for (const r of roots) {
        const s = slotOfRoot(r)
        if (s >= 0) parts.push(chunk(s, byRootBlock(s)))
      }
      return Buffer.concat(parts)
    })
    // deneb "BlobSidecarsByRange v1": sidecars of [start, start + count), by slot then index
    await serve(node, BLOBS_BY_RANGE, 'blob-sidecars-by-range', 16, (req, peerId) => {
      const start = Number(Buffer.from(req).readBigUInt64LE(0))
      const count = Number(Buffer.from(req).readBigUInt64LE(8))
      emit({ event: 'request', method: 'blob-sidecars-by-range', peerId, startSlot: String(start), count: String(count) })
      const parts = []
      for (let s = start; s < start + Math.min(count, MAX_REQUEST_BLOCKS_DENEB); s++) {
        for (let i = 0; i < blobsAt(s); i++) parts.push(chunk(s, blobSidecar(s, i)))
      }
      return Buffer.concat(parts)
    })
    // deneb "BlobSidecarsByRoot v1": one per known identifier, in request order
    await serve(node, BLOBS_BY_ROOT, 'blob-sidecars-by-root', [0, 40 * MAX_REQUEST_BLOB_SIDECARS], (req, peerId) => {
      const ids = blobIdentifiers(req)
      emit({ event: 'request', method: 'blob-sidecars-by-root', peerId, ids: ids.map((x) => ({ root: hex(x.root), index: x.index })) })
      const parts = []
      for (const { root, index } of ids) {
        const s = slotOfRoot(root)
        if (s >= 0 && index < blobsAt(s)) parts.push(chunk(s, blobSidecar(s, index)))
      }
      return Buffer.concat(parts)
    })
    // fulu "DataColumnSidecarsByRange v1": ordered by (slot, column_index)
    await serve(node, COLUMNS_BY_RANGE, 'data-column-sidecars-by-range', [20, 20 + 8 * NUMBER_OF_COLUMNS], (req, peerId) => {
      const { start, count, columns } = columnsByRangeRequest(req)
      emit({ event: 'request', method: 'data-column-sidecars-by-range', peerId, startSlot: String(start), count: String(count), columns })
      const sorted = [...columns].sort((x, y) => x - y)
      const parts = []
      for (let s = start; s < start + count && parts.length < MAX_REQUEST_DATA_COLUMN_SIDECARS; s++) {
        for (const c of sorted) parts.push(chunk(s, columnSidecar(s, c)))
      }
      return Buffer.concat(parts)
    })
    // fulu "DataColumnSidecarsByRoot v1": the columns asked for of each known root
    await serve(node, COLUMNS_BY_ROOT, 'data-column-sidecars-by-root',
      [0, MAX_REQUEST_BLOCKS_DENEB * (4 + 36 + 8 * NUMBER_OF_COLUMNS)], (req, peerId) => {
        const ids = columnsByRootRequest(req)
        emit({ event: 'request', method: 'data-column-sidecars-by-root', peerId, ids: ids.map((x) => ({ root: hex(x.root), columns: x.columns })) })
        const parts = []
        for (const { root, columns } of ids) {
          const s = slotOfRoot(root)
          if (s >= 0) for (const c of columns) parts.push(chunk(s, columnSidecar(s, c)))
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
