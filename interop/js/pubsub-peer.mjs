// js-libp2p pubsub partner (gossipsub or floodsub) for the serenity-p2p interop tests.
//
// Driven by arguments and by commands on stdin (one per line: `publish <topic> <base64>`, `quit`);
// prints one JSON object per line on stdout (contract in docs/interop.md, "Pubsub partner") and nothing
// else there. Diagnostics go to stderr. Exits on `quit`, when stdin closes, on SIGTERM/SIGINT, or (with
// --exit) once its --publish run is done.
import './polyfill.mjs'
import { createHash, randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { quic } from '@chainsafe/libp2p-quic'
import { noise } from '@chainsafe/libp2p-noise'
import { tls } from '@libp2p/tls'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mplex } from '@libp2p/mplex'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import { floodsub } from '@libp2p/floodsub'
import { generateKeyPair, generateKeyPairFromSeed, privateKeyFromRaw, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import snappy from 'snappyjs'

const USAGE = `usage: node pubsub-peer.mjs [options]
  --router gossipsub|floodsub    pubsub router (default gossipsub)
  --sign strict|none             StrictSign (default) or StrictNoSign (the Ethereum profile)
  --msg-id default|sha256|from-seqno|eth2
                                 message-id function (default: js's own; see docs/interop.md)
  --topic <topic>                subscribe to this topic; repeatable (default: none)
  --dial <multiaddr>             dial this address after start; repeatable
  --listen <multiaddr>|none      listen address; repeatable (default /ip4/127.0.0.1/tcp/0, or
                                 /ip4/127.0.0.1/udp/0/quic-v1 when quic is the only transport)
  --transports tcp,quic          transports to enable (default tcp); quic listens and dials /udp/<port>/quic-v1
  --key-type secp256k1|ed25519   identity key type (default ed25519)
  --key-hex <hex>                raw private key (secp256k1 32-byte scalar, ed25519 32-byte seed)
  --muxers yamux,mplex           muxers in preference order (default yamux,mplex)
  --encrypters noise,tls         connection encrypters in proposal order (default noise)
  --publish <n>                  publish n messages on the first topic once a peer is there
  --size <bytes>                 size of each published message (default 1024, at least 16)
  --rate <per-second>            publish pace (default 100; 0 = as fast as publish() returns)
  --publish-invalid              published data starts with 0xFF (a validator marker, see docs)
  --snappy                       snappy-compress (block format) each --publish payload, as eth2 gossip does
  --reject-invalid               this node's validator rejects data starting with 0xFF
  --mesh-timeout-ms <ms>         how long --publish waits for a mesh/subscriber (default 30000)
  --exit                         exit once the --publish run is done
  --report-mesh-ms <ms>          print mesh and score events every ms (default 0 = never)
  --print-data <bytes>           include data (base64) in message events up to this size (default 65536)
  --D <n> --Dlo <n> --Dhi <n>    gossipsub mesh degree parameters (defaults 6, 4, 12)
  --flood-publish on|off         gossipsub flood publishing of own messages (default on)
  --emit-self on|off             deliver own messages to self too (default off)
  --rate-limit on|off            js inbound rate limits (default off here: lifted, as peer.mjs --rate-limit off)
  --monitor on|off               js connection monitor (default on)`

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

const why = (err) => String(err?.message ?? err)
const hex = (b) => Buffer.from(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength).toString('hex')

function parseArgs (argv) {
  const o = {
    router: 'gossipsub', sign: 'strict', msgId: 'default', topics: [], dial: [], listen: [],
    keyType: 'ed25519', keyHex: null, transports: ['tcp'], muxers: ['yamux', 'mplex'], encrypters: ['noise'], publish: 0, size: 1024, rate: 100,
    publishInvalid: false, snappy: false, rejectInvalid: false, meshTimeoutMs: 30_000, exit: false, reportMeshMs: 0,
    printData: 65536, D: null, Dlo: null, Dhi: null, floodPublish: true, emitSelf: false,
    rateLimit: false, monitor: true
  }
  const onOff = (name, v) => {
    if (v !== 'on' && v !== 'off') throw new Error(`${name} must be on or off, got ${v}`)
    return v === 'on'
  }
  const num = (name, v, min) => {
    const n = Number(v)
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got ${v}`)
    return n
  }
  const int = (name, v, min) => {
    const n = num(name, v, min)
    if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${v}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    switch (a) {
      case '--router': o.router = next(); break
      case '--sign': o.sign = next(); break
      case '--msg-id': o.msgId = next(); break
      case '--topic': o.topics.push(next()); break
      case '--dial': o.dial.push(next()); break
      case '--listen': o.listen.push(next()); break
      case '--key-type': o.keyType = next().toLowerCase(); break
      case '--key-hex': o.keyHex = next(); break
      case '--transports': o.transports = next().split(',').map(s => s.trim()).filter(Boolean); break
      case '--muxers': o.muxers = next().split(',').map(s => s.trim()).filter(Boolean); break
      case '--encrypters': o.encrypters = next().split(',').map(s => s.trim()).filter(Boolean); break
      case '--publish': o.publish = int(a, next(), 0); break
      case '--size': o.size = int(a, next(), 16); break
      case '--rate': o.rate = num(a, next(), 0); break
      case '--publish-invalid': o.publishInvalid = true; break
      case '--snappy': o.snappy = true; break
      case '--reject-invalid': o.rejectInvalid = true; break
      case '--mesh-timeout-ms': o.meshTimeoutMs = int(a, next(), 0); break
      case '--exit': o.exit = true; break
      case '--report-mesh-ms': o.reportMeshMs = int(a, next(), 0); break
      case '--print-data': o.printData = int(a, next(), 0); break
      case '--D': o.D = int(a, next(), 1); break
      case '--Dlo': o.Dlo = int(a, next(), 0); break
      case '--Dhi': o.Dhi = int(a, next(), 1); break
      case '--flood-publish': o.floodPublish = onOff(a, next()); break
      case '--emit-self': o.emitSelf = onOff(a, next()); break
      case '--rate-limit': o.rateLimit = onOff(a, next()); break
      case '--monitor': o.monitor = onOff(a, next()); break
      case '--help': case '-h': process.stderr.write(USAGE + '\n'); process.exit(0); break
      default: throw new Error(`unknown option ${a} (--help lists them)`)
    }
  }
  if (o.router !== 'gossipsub' && o.router !== 'floodsub') throw new Error(`--router must be gossipsub or floodsub, got ${o.router}`)
  if (o.sign !== 'strict' && o.sign !== 'none') throw new Error(`--sign must be strict or none, got ${o.sign}`)
  if (!['default', 'sha256', 'from-seqno', 'eth2'].includes(o.msgId)) throw new Error(`unknown --msg-id ${o.msgId}`)
  if (o.msgId === 'from-seqno' && o.sign === 'none') throw new Error('--msg-id from-seqno needs --sign strict (unsigned messages carry no from/seqno)')
  if (o.keyType !== 'ed25519' && o.keyType !== 'secp256k1') throw new Error(`--key-type must be secp256k1 or ed25519, got ${o.keyType}`)
  if (o.transports.length === 0) throw new Error('--transports needs at least one of tcp, quic')
  for (const t of o.transports) if (t !== 'tcp' && t !== 'quic') throw new Error(`unknown transport ${t}`)
  if (o.muxers.length === 0) throw new Error('--muxers needs at least one of yamux, mplex')
  for (const m of o.muxers) if (m !== 'yamux' && m !== 'mplex') throw new Error(`unknown muxer ${m}`)
  if (o.encrypters.length === 0) throw new Error('--encrypters needs at least one of noise, tls')
  for (const e of o.encrypters) if (e !== 'noise' && e !== 'tls') throw new Error(`unknown encrypter ${e}`)
  if (new Set(o.encrypters).size !== o.encrypters.length) throw new Error(`--encrypters lists one twice: ${o.encrypters}`)
  if (o.publish > 0 && o.topics.length === 0) throw new Error('--publish needs a --topic')
  if (o.listen.length === 0) {
    o.listen.push(o.transports.includes('tcp') ? '/ip4/127.0.0.1/tcp/0' : '/ip4/127.0.0.1/udp/0/quic-v1')
  }
  if (o.listen.includes('none')) o.listen = []
  return o
}

async function privateKey (o) {
  if (o.keyHex == null) return generateKeyPair(o.keyType === 'ed25519' ? 'Ed25519' : 'secp256k1')
  if (!/^([0-9a-fA-F]{2})+$/.test(o.keyHex)) throw new Error('--key-hex is not hex')
  const raw = new Uint8Array(Buffer.from(o.keyHex, 'hex'))
  if (o.keyType === 'ed25519') {
    if (raw.length !== 32 && raw.length !== 64) throw new Error(`ed25519 key must be 32 or 64 bytes, got ${raw.length}`)
    return generateKeyPairFromSeed('Ed25519', raw.subarray(0, 32))
  }
  if (raw.length !== 32) throw new Error(`secp256k1 key must be 32 bytes, got ${raw.length}`)
  return privateKeyFromRaw(raw)
}

const sha256 = (...parts) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

/** The 8-byte big-endian seqno as carried on the wire. */
function seqnoBytes (seqno) {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt.asUintN(64, seqno))
  return b
}

/**
 * Ethereum consensus message-id (phase0 p2p-interface, altair onwards: topic included):
 * SHA-256(domain || uint64-LE(len(topic)) || topic || payload)[:20], where domain is 0x01000000 and
 * payload the snappy-decompressed data when decompression succeeds, else 0x00000000 and the raw data.
 */
export function eth2MessageId (topic, data) {
  const topicBytes = Buffer.from(topic, 'utf8')
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(topicBytes.length))
  let domain = Buffer.from([1, 0, 0, 0])
  let payload
  try {
    payload = snappy.uncompress(data)
  } catch {
    domain = Buffer.from([0, 0, 0, 0])
    payload = data
  }
  return sha256(domain, len, topicBytes, payload).subarray(0, 20)
}

/**
 * The message-id function for --msg-id, over a received or published Message. `default` reproduces
 * js's own choice byte for byte (StrictSign: protobuf-encoded public key || seqno, NOT go's from || seqno;
 * StrictNoSign: SHA-256 of the data), so the printed id is the one js uses for dedup and gossip.
 */
function messageIdFn (o) {
  switch (o.msgId) {
    case 'sha256': return (msg) => sha256(msg.data)
    case 'from-seqno': return (msg) => {
      if (msg.type !== 'signed') throw new Error('from-seqno message id needs a signed message')
      return new Uint8Array(Buffer.concat([msg.from.toMultihash().bytes, seqnoBytes(msg.sequenceNumber)]))
    }
    case 'eth2': return (msg) => eth2MessageId(msg.topic, msg.data)
    default: return (msg) => {
      if (msg.type === 'signed') {
        return new Uint8Array(Buffer.concat([publicKeyToProtobuf(msg.key ?? msg.from.publicKey), seqnoBytes(msg.sequenceNumber)]))
      }
      return sha256(msg.data)
    }
  }
}

/** Marker for --publish-invalid / --reject-invalid: data whose first byte is 0xFF is "invalid". */
const INVALID_MARKER = 0xff

/**
 * Payload of the n-th --publish message: bytes 0..7 the index (uint64 BE), 8..15 the publish time in
 * microseconds since the epoch (uint64 BE, for latency), the rest random. Byte 0 is forced to 0xFF with
 * --publish-invalid and kept below 0xFF otherwise (an index never reaches 2^56).
 */
function payload (n, size, invalid) {
  const b = randomBytes(size)
  b.writeBigUInt64BE(BigInt(n), 0)
  b.writeBigUInt64BE(BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)), 8)
  if (invalid) b[0] = INVALID_MARKER
  return new Uint8Array(b)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

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
  const idFn = messageIdFn(o)
  const signaturePolicy = o.sign === 'strict' ? 'StrictSign' : 'StrictNoSign'
  let pubsub
  if (o.router === 'gossipsub') {
    const init = {
      globalSignaturePolicy: signaturePolicy,
      emitSelf: o.emitSelf,
      floodPublish: o.floodPublish,
      // Publishing before anyone subscribed must not throw: `published` reports recipients: 0 instead.
      allowPublishToZeroTopicPeers: true,
      // A test may publish the same data twice (sha256 ids): report it, do not crash the command loop.
      ignoreDuplicatePublishError: false
    }
    if (o.msgId !== 'default') init.msgIdFn = idFn
    if (o.D != null) init.D = o.D
    if (o.Dlo != null) init.Dlo = o.Dlo
    if (o.Dhi != null) init.Dhi = o.Dhi
    if (o.D != null || o.Dlo != null) {
      // gossipsub requires Dout < Dlo and Dout <= D/2: keep the default 2 unless a small mesh forbids it.
      const D = o.D ?? 6
      const Dlo = o.Dlo ?? Math.min(4, D)
      init.Dout = Math.max(0, Math.min(2, Math.floor(D / 2), Dlo - 1))
      if (o.Dlo == null) init.Dlo = Dlo
      if (o.Dhi == null) init.Dhi = Math.max(12, D)
    }
    pubsub = gossipsub(init)
  } else {
    if (o.sign === 'none') {
      process.stderr.write('pubsub-peer.mjs: warning: js floodsub drops every received message without a from field, so it cannot receive StrictNoSign messages (it can still send them)\n')
    }
    pubsub = floodsub({ globalSignaturePolicy: signaturePolicy, emitSelf: o.emitSelf })
  }

  const mplexInit = o.rateLimit ? {} : { disconnectThreshold: 1_000_000 }
  const muxerFactories = { yamux: () => yamux(), mplex: () => mplex(mplexInit) }
  const connectionManager = o.rateLimit
    ? {}
    : { inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 10_000, maxConnections: 10_000 }
  let node
  try {
    node = await createLibp2p({
      privateKey: await privateKey(o),
      addresses: { listen: o.listen },
      transports: o.transports.map(t => t === 'quic' ? quic() : tcp()),
      connectionEncrypters: o.encrypters.map(e => e === 'tls' ? tls() : noise()),
      streamMuxers: o.muxers.map(m => muxerFactories[m]()),
      connectionManager,
      connectionMonitor: { enabled: o.monitor },
      // identify must run on connection open: pubsub learns that the remote speaks it from identify.
      services: { identify: identify(), ping: ping(), pubsub }
    })
  } catch (err) {
    emit({ event: 'error', what: 'start', why: why(err) })
    process.exitCode = 1
    return
  }
  const ps = node.services.pubsub
  if (o.router === 'floodsub' && o.msgId !== 'default') {
    // floodsub has no msgIdFn option; its dedup cache asks this (overridable) method.
    ps.getMsgId = idFn
  }

  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    emit({ event: 'connected', peerId: c.remotePeer.toString(), direction: c.direction, muxer: c.multiplexer ?? null, remoteAddr: c.remoteAddr.toString() })
  })
  node.addEventListener('connection:close', (evt) => {
    const c = evt.detail
    emit({ event: 'disconnected', peerId: c.remotePeer.toString(), direction: c.direction })
  })
  ps.addEventListener('subscription-change', (evt) => {
    const { peerId, subscriptions } = evt.detail
    for (const s of subscriptions) {
      emit({ event: 'peer-subscription', peerId: peerId.toString(), topic: s.topic, subscribe: s.subscribe })
    }
  })
  if (o.router === 'gossipsub') {
    ps.addEventListener('gossipsub:graft', (evt) => emit({ event: 'graft', peerId: evt.detail.peerId, topic: evt.detail.topic }))
    ps.addEventListener('gossipsub:prune', (evt) => emit({ event: 'prune', peerId: evt.detail.peerId, topic: evt.detail.topic }))
  }
  ps.addEventListener('message', (evt) => {
    const m = evt.detail
    let id = null
    try {
      id = hex(idFn(m))
    } catch (err) {
      id = null
    }
    const e = {
      event: 'message',
      topic: m.topic,
      from: m.type === 'signed' ? m.from.toString() : null,
      id,
      seqno: m.type === 'signed' ? m.sequenceNumber.toString() : null,
      size: m.data.byteLength,
      sha256: hex(sha256(m.data))
    }
    if (m.data.byteLength <= o.printData) e.data = Buffer.from(m.data).toString('base64')
    emit(e)
  })
  if (o.rejectInvalid) {
    for (const t of o.topics) {
      ps.topicValidators.set(t, (peer, msg) => msg.data.byteLength > 0 && msg.data[0] === INVALID_MARKER ? 'reject' : 'accept')
    }
  }

  let stopping = false
  let meshTimer = null
  const shutdown = async (code) => {
    if (stopping) return
    stopping = true
    if (meshTimer != null) clearInterval(meshTimer)
    const timer = setTimeout(() => process.exit(code), 5_000)
    timer.unref()
    try {
      await node.stop()
    } catch (err) {
      emit({ event: 'error', what: 'stop', why: why(err) })
    }
    emit({ event: 'stopped' })
    process.exit(code)
  }
  process.on('SIGTERM', () => { shutdown(0) })
  process.on('SIGINT', () => { shutdown(0) })

  const publishOne = async (topic, data, extra) => {
    try {
      const r = await ps.publish(topic, data)
      emit({ event: 'published', topic, size: data.byteLength, recipients: r?.recipients?.length ?? null, ...extra })
      return true
    } catch (err) {
      emit({ event: 'error', what: 'publish', topic, why: why(err), ...extra })
      return false
    }
  }

  // Commands, one per line. Closing stdin stops the peer (JsPubSubPeer.close()).
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    const parts = line.trim().split(/\s+/)
    if (parts[0] === '' || parts[0] == null) return
    if (parts[0] === 'quit') { shutdown(0); return }
    if (parts[0] === 'publish' && parts.length === 3) {
      publishOne(parts[1], new Uint8Array(Buffer.from(parts[2], 'base64')), { source: 'stdin' })
      return
    }
    emit({ event: 'error', what: 'command', why: `unknown command: ${line}` })
  })
  lines.on('close', () => { shutdown(0) })

  const reportMesh = () => {
    for (const t of o.topics) {
      const peers = o.router === 'gossipsub' ? ps.getMeshPeers(t) : ps.getSubscribers(t).map(String)
      emit({ event: 'mesh', topic: t, peers })
    }
    if (o.router === 'gossipsub') {
      for (const p of ps.getPeers()) emit({ event: 'score', peer: p.toString(), score: ps.getScore(p.toString()) })
    }
  }
  if (o.reportMeshMs > 0) meshTimer = setInterval(reportMesh, o.reportMeshMs)

  emit({
    event: 'listening',
    peerId: node.peerId.toString(),
    keyType: o.keyType,
    addrs: node.getMultiaddrs().map(a => a.toString()),
    router: o.router,
    signaturePolicy,
    msgId: o.msgId,
    topics: o.topics,
    protocols: node.getProtocols()
  })

  for (const t of o.topics) {
    ps.subscribe(t)
    emit({ event: 'subscribed', topic: t })
  }

  for (const d of o.dial) {
    try {
      await node.dial(multiaddr(d), { signal: AbortSignal.timeout(30_000) })
    } catch (err) {
      emit({ event: 'error', what: 'dial', why: why(err), addr: d })
    }
  }

  if (o.publish > 0) {
    const topic = o.topics[0]
    // Wait for the mesh (gossipsub) or a subscriber (floodsub, or a gossipsub flood publish target).
    const deadline = Date.now() + o.meshTimeoutMs
    const ready = () => (o.router === 'gossipsub' ? ps.getMeshPeers(topic).length > 0 : false) || ps.getSubscribers(topic).length > 0
    while (!ready() && Date.now() < deadline) await sleep(50)
    if (!ready()) emit({ event: 'error', what: 'mesh', topic, why: `no mesh peer or subscriber within ${o.meshTimeoutMs} ms; publishing anyway` })
    if (o.router === 'gossipsub' && ps.getMeshPeers(topic).length === 0 && ready()) {
      // A subscriber is known but the mesh forms at the next heartbeat (1 s): give it that long, bounded.
      const meshDeadline = Math.min(deadline, Date.now() + 3_000)
      while (ps.getMeshPeers(topic).length === 0 && Date.now() < meshDeadline) await sleep(50)
    }
    reportMesh()
    const start = performance.now()
    let ok = 0
    for (let i = 0; i < o.publish && !stopping; i++) {
      if (o.rate > 0) {
        const due = start + (i * 1000) / o.rate
        const wait = due - performance.now()
        if (wait > 0) await sleep(wait)
      }
      const data = payload(i, o.size, o.publishInvalid)
      if (await publishOne(topic, o.snappy ? snappy.compress(data) : data, { index: i })) ok++
    }
    emit({ event: 'publish-done', topic, count: o.publish, ok, ms: Math.round(performance.now() - start) })
    if (o.exit) {
      // Let the last messages leave before the connection closes.
      await sleep(500)
      await shutdown(ok === o.publish ? 0 : 1)
    }
  }
}

await main()
