// Ethereum consensus vectors from js, for the Java interop test Eth2VectorsTest.
//
// Generate mode (default): node eth2-vectors.mjs
//   prints one JSON object on stdout:
//   { "messageIds": [{topic, data (hex, the Message.data as sent), valid, decompressed (hex|null),
//                     altair (hex id), phase0 (hex id)}],
//     "snappy": [{input (hex), compressed (hex, snappyjs block format)}],
//     "enrs": [{privateKey, seq, ip, tcp, udp, eth2, attnets, syncnets, text, peerId, nodeId}] }
//   ids are computed here from the spec text (node:crypto SHA-256, snappyjs), independently of Java;
//   ENRs are created and signed by @chainsafe/enr.
//
// Decode mode: node eth2-vectors.mjs decode
//   reads ENR texts, one a line, and prints one JSON line each:
//   {index, ok, seq, ip, tcp, udp, ip6, tcp6, udp6, quic, quic6, quicMultiaddr, eth2, attnets, syncnets, peerId,
//    nodeId, text (re-encoded)}
//   or {index, ok: false, error} when @chainsafe/enr rejects it.
import './polyfill.mjs'
import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'
import snappy from 'snappyjs'
import { ENR, SignableENR } from '@chainsafe/enr'

const hex = (b) => Buffer.from(b).toString('hex')
const unhex = (h) => new Uint8Array(Buffer.from(h, 'hex'))

function sha256 (...parts) {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

/** Spec message-id; altair mixes in the topic. */
function messageId (topic, data, withTopic) {
  let domain = Buffer.from([1, 0, 0, 0])
  let payload
  try {
    payload = snappy.uncompress(data)
  } catch {
    domain = Buffer.from([0, 0, 0, 0])
    payload = data
  }
  const parts = [domain]
  if (withTopic) {
    const t = Buffer.from(topic, 'utf8')
    const len = Buffer.alloc(8)
    len.writeBigUInt64LE(BigInt(t.length))
    parts.push(len, t)
  }
  parts.push(payload)
  return { id: sha256(...parts).subarray(0, 20), valid: domain[0] === 1, payload }
}

/** Deterministic filler bytes (a tiny LCG), so the vectors are stable run to run. */
function filler (n, seed, repetitive) {
  const out = new Uint8Array(n)
  let x = seed >>> 0
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = repetitive ? (i % 7) * 3 : (x >>> 16) & 0xff
  }
  return out
}

function generate () {
  const topics = [
    '/eth2/b5303f2a/beacon_block/ssz_snappy',
    '/eth2/afcaaba0/beacon_attestation_5/ssz_snappy',
    ''
  ]
  const plain = [new Uint8Array(0), new TextEncoder().encode('hello eth2'), filler(1000, 1, true), filler(5000, 2, false)]
  const snappyVectors = plain.map((p) => ({ input: hex(p), compressed: hex(snappy.compress(p)) }))
  const datas = plain.map((p) => snappy.compress(p))
  const goodLong = snappy.compress(filler(300, 3, false))
  datas.push(unhex('ff00ff00')) // not snappy
  datas.push(new Uint8Array(0)) // empty data: no length preamble
  datas.push(goodLong.subarray(0, goodLong.length - 1)) // truncated
  const messageIds = []
  for (const topic of topics) {
    for (const data of datas) {
      const a = messageId(topic, data, true)
      const p = messageId(topic, data, false)
      messageIds.push({
        topic,
        data: hex(data),
        valid: a.valid,
        decompressed: a.valid ? hex(a.payload) : null,
        altair: hex(a.id),
        phase0: hex(p.id)
      })
    }
  }

  const keys = [
    'b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291',
    '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
  ]
  const fieldSets = [
    { seq: 1n, ip: '127.0.0.1', udp: 30303 },
    {
      seq: 5n,
      ip: '10.1.2.3',
      tcp: 9000,
      udp: 9001,
      eth2: 'b5303f2a01000000ffffffffffffffff',
      attnets: '0100000000000080',
      syncnets: '04'
    },
    { seq: 1234567890123n, ip: '192.168.7.8', tcp: 13000, udp: 12000, eth2: 'afcaaba002000000ffffffffffffffff', attnets: 'ffffffffffffffff', syncnets: '0f' }
  ]
  const enrs = []
  for (const k of keys) {
    for (const f of fieldSets) {
      // Construct with every field at once: SignableENR's setters bump seq on each change.
      const base = SignableENR.createV4(unhex(k))
      const kvs = new Map(base.kvs)
      const port = (p) => { const b = new Uint8Array(2); b[0] = p >> 8; b[1] = p & 0xff; return b }
      if (f.ip) kvs.set('ip', new Uint8Array(f.ip.split('.').map(Number)))
      if (f.tcp) kvs.set('tcp', port(f.tcp))
      if (f.udp) kvs.set('udp', port(f.udp))
      if (f.eth2) kvs.set('eth2', unhex(f.eth2))
      if (f.attnets) kvs.set('attnets', unhex(f.attnets))
      if (f.syncnets) kvs.set('syncnets', unhex(f.syncnets))
      const enr = new SignableENR(kvs, f.seq, unhex(k))
      const text = enr.encodeTxt()
      const back = ENR.decodeTxt(text)
      enrs.push({
        privateKey: k,
        seq: f.seq.toString(),
        ip: f.ip ?? null,
        tcp: f.tcp ?? null,
        udp: f.udp ?? null,
        eth2: f.eth2 ?? null,
        attnets: f.attnets ?? null,
        syncnets: f.syncnets ?? null,
        text,
        peerId: back.peerId.toString(),
        nodeId: back.nodeId
      })
    }
  }
  process.stdout.write(JSON.stringify({ messageIds, snappy: snappyVectors, enrs }) + '\n')
}

async function decodeMode () {
  const rl = createInterface({ input: process.stdin })
  let index = 0
  for await (const line of rl) {
    const text = line.trim()
    if (text === '') continue
    const i = index++
    try {
      // decodeTxt verifies the signature and throws "Unable to verify enr signature" when it fails
      const enr = ENR.decodeTxt(text)
      const get = (k) => (enr.kvs.get(k) ? hex(enr.kvs.get(k)) : null)
      const out = {
        index: i,
        ok: true,
        seq: enr.seq.toString(),
        ip: enr.ip ?? null,
        tcp: enr.tcp ?? null,
        udp: enr.udp ?? null,
        ip6: enr.ip6 ?? null,
        tcp6: enr.tcp6 ?? null,
        udp6: enr.udp6 ?? null,
        quic: enr.quic ?? null,
        quic6: enr.quic6 ?? null,
        // the dial address @chainsafe/enr makes of the quic field (quic, else quic6), e.g. /ip4/../udp/../quic-v1
        quicMultiaddr: enr.getLocationMultiaddr('quic')?.toString() ?? null,
        eth2: get('eth2'),
        attnets: get('attnets'),
        syncnets: get('syncnets'),
        peerId: enr.peerId.toString(),
        nodeId: enr.nodeId,
        text: ENR.decode(enr.encode()).encodeTxt()
      }
      process.stdout.write(JSON.stringify(out) + '\n')
    } catch (err) {
      process.stdout.write(JSON.stringify({ index: i, ok: false, error: String(err?.message ?? err) }) + '\n')
    }
  }
}

if (process.argv[2] === 'decode') {
  await decodeMode()
} else {
  generate()
}
