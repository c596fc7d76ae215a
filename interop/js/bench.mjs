// js -> js baseline benchmark over TCP + Noise or TLS + yamux (or mplex), or over QUIC, two nodes in two
// processes: this script starts a copy of itself as the server (--role server) and measures as the client.
//
//   node bench.mjs [--bytes 268435456] [--handshakes 200] [--key-type ed25519|secp256k1] [--muxer yamux|mplex]
//                  [--transport tcp|quic] [--security noise|tls]
//
// --security tls: both nodes have only @libp2p/tls (/tls/1.0.0), so every connection runs TLS 1.3.
// --transport quic: both nodes listen on /udp/0/quic-v1 (@chainsafe/libp2p-quic, whose own TLS 1.3
// handshake secures the connection and whose streams replace the muxer): --security and --muxer do not apply.
//
// 1. single-stream throughput: the client sends --bytes through one stream of /serenity/bench/sink/1.0.0;
//    the server counts them and answers with the count once the client closes its write side. Time runs
//    from opening the stream to that answer.
// 2. sequential handshakes: --handshakes times, dial a new connection (TCP + multistream + Noise XX or
//    TLS 1.3 + muxer negotiation, or the QUIC handshake) and close it. js's inbound rate limit
//    (5 connections/s per IP) is lifted on the server, and neither node runs identify or the connection
//    monitor, so only handshakes are timed.
//
// Prints one JSON line with the results on stdout: the fields of Java's TransportBench (bench, transport,
// security, muxer, keyType, throughput.bytes/mibPerSec, handshakes.count/perSec) and a few more.
import './polyfill.mjs'
import { spawn } from 'node:child_process'
import { WARMUP_ROUNDS, WARMUP_ROUND_MS, cpuTicks, stealPercent } from './machine.mjs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { quic } from '@chainsafe/libp2p-quic'
import { noise } from '@chainsafe/libp2p-noise'
import { tls } from '@libp2p/tls'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mplex } from '@libp2p/mplex'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'

const SINK = '/serenity/bench/sink/1.0.0'
const CHUNK = 64 * 1024
const MiB = 1024 * 1024

function parseArgs (argv) {
  const o = { role: 'client', bytes: 256 * MiB, handshakes: 200, keyType: 'ed25519', muxer: 'yamux', transport: 'tcp', security: 'noise' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = argv[++i]
    if (v == null) throw new Error(`${a} needs a value`)
    if (a === '--role') o.role = v
    else if (a === '--bytes') o.bytes = Number(v)
    else if (a === '--handshakes') o.handshakes = Number(v)
    else if (a === '--key-type') o.keyType = v
    else if (a === '--muxer') o.muxer = v
    else if (a === '--transport') o.transport = v
    else if (a === '--security') o.security = v
    else throw new Error(`unknown option ${a}`)
  }
  if (!Number.isSafeInteger(o.bytes) || o.bytes < 0) throw new Error('--bytes must be a non-negative integer')
  if (!Number.isSafeInteger(o.handshakes) || o.handshakes < 0) throw new Error('--handshakes must be a non-negative integer')
  if (o.keyType !== 'ed25519' && o.keyType !== 'secp256k1') throw new Error('--key-type must be ed25519 or secp256k1')
  if (o.muxer !== 'yamux' && o.muxer !== 'mplex') throw new Error('--muxer must be yamux or mplex')
  if (o.transport !== 'tcp' && o.transport !== 'quic') throw new Error('--transport must be tcp or quic')
  if (o.security !== 'noise' && o.security !== 'tls') throw new Error('--security must be noise or tls')
  return o
}

// What the result calls the connection: the same names as Java's TransportBench.
const transportName = (o) => o.transport === 'quic' ? 'quic' : `tcp+${o.security}+${o.muxer}`

async function node (o, listen) {
  const quicOnly = o.transport === 'quic'
  return createLibp2p({
    privateKey: await generateKeyPair(o.keyType === 'ed25519' ? 'Ed25519' : 'secp256k1'),
    addresses: { listen },
    transports: [quicOnly ? quic() : tcp()],
    // Never used over QUIC, which brings its own TLS 1.3 handshake and streams.
    connectionEncrypters: [o.security === 'tls' ? tls() : noise()],
    streamMuxers: [o.muxer === 'yamux' ? yamux() : mplex({ disconnectThreshold: 1_000_000 })],
    connectionManager: { inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 10_000, maxConnections: 10_000 },
    connectionMonitor: { enabled: false }
  })
}

async function server (o) {
  const n = await node(o, [o.transport === 'quic' ? '/ip4/127.0.0.1/udp/0/quic-v1' : '/ip4/127.0.0.1/tcp/0'])
  await n.handle(SINK, (stream) => {
    let count = 0
    stream.addEventListener('message', (evt) => { count += evt.data.byteLength })
    stream.addEventListener('end', () => {
      const reply = new Uint8Array(8)
      new DataView(reply.buffer).setBigUint64(0, BigInt(count))
      try {
        stream.send(reply)
        stream.close().catch(() => {})
      } catch (err) {
        stream.abort(err)
      }
    })
  })
  const stop = () => n.stop().finally(() => process.exit(0))
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.on('SIGTERM', stop)
  process.stdin.resume()
  process.stdout.write(JSON.stringify({ event: 'listening', addrs: n.getMultiaddrs().map(String) }) + '\n')
}

async function throughput (client, addr, bytes) {
  const conn = await client.dial(addr)
  const stream = await conn.newStream(SINK)
  const reply = new Promise((resolve, reject) => {
    const parts = []
    stream.addEventListener('message', (evt) => parts.push(evt.data.subarray()))
    stream.addEventListener('end', () => {
      const all = Buffer.concat(parts)
      resolve(all.length === 8 ? Number(all.readBigUInt64BE(0)) : -1)
    })
    stream.addEventListener('close', (evt) => { if (evt.error != null) reject(evt.error) })
  })
  const chunk = new Uint8Array(CHUNK).fill(0x5a)
  const start = performance.now()
  for (let sent = 0; sent < bytes; sent += CHUNK) {
    const piece = bytes - sent < CHUNK ? chunk.subarray(0, bytes - sent) : chunk
    if (!stream.send(piece)) await stream.onDrain()
  }
  await stream.close()
  const counted = await reply
  const ms = performance.now() - start
  await conn.close()
  if (counted !== bytes) throw new Error(`server counted ${counted} bytes, sent ${bytes}`)
  return { bytes, ms: Math.round(ms), mibPerSec: round(bytes / MiB / (ms / 1000)) }
}

async function handshakes (client, addr, count) {
  const start = performance.now()
  let dialMs = 0
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    const conn = await client.dial(addr, { force: true })
    dialMs += performance.now() - t0
    await conn.close()
  }
  const ms = performance.now() - start
  // dialMsAvg: dial until the connection is usable (handshakes done), without the close.
  return { count, ms: Math.round(ms), perSec: round(count / (ms / 1000)), dialMsAvg: round(dialMs / Math.max(1, count)) }
}

const round = (x) => Math.round(x * 10) / 10

async function client (o) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--role', 'server',
    '--key-type', o.keyType, '--muxer', o.muxer, '--transport', o.transport, '--security', o.security], { stdio: ['pipe', 'pipe', 'inherit'] })
  try {
    const first = await new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout })
      lines.once('line', resolve)
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
      setTimeout(() => reject(new Error('bench server did not start within 30 s')), 30_000).unref()
    })
    const addr = multiaddr(JSON.parse(first).addrs[0])
    const c = await node(o, [])
    const result = {
      bench: 'js-js',
      processes: 2,
      transport: transportName(o),
      security: o.transport === 'quic' ? 'tls' : o.security,
      muxer: o.transport === 'quic' ? 'quic' : o.muxer,
      keyType: o.keyType,
      node: process.version,
      libp2p: '3.3.11'
    }
    // Warm-up, untimed: JIT-compile the handshake and data paths on both sides first. The data path
    // warms up as Java's TransportBench does (bench's Warmup): rounds of at least half a second of
    // transfers of min(bytes, 64 MiB), three of them, Java's minimum (V8 gives no compile-time figure to
    // wait on, and its compilers settle sooner than HotSpot's C2).
    await handshakes(c, addr, 5)
    if (o.bytes > 0) {
      const w0 = performance.now()
      for (let r = 0; r < WARMUP_ROUNDS; r++) {
        const r0 = performance.now()
        do await throughput(c, addr, Math.min(o.bytes, 64 * MiB))
        while (performance.now() - r0 < WARMUP_ROUND_MS)
      }
      const warmSeconds = (performance.now() - w0) / 1000
      const before = cpuTicks()
      result.throughput = await throughput(c, addr, o.bytes)
      result.conditions = {
        warmup: { rounds: WARMUP_ROUNDS, seconds: round(warmSeconds) },
        stealPercent: stealPercent(before, cpuTicks())
      }
    }
    if (o.handshakes > 0) result.handshakes = await handshakes(c, addr, o.handshakes)
    await c.stop()
    process.stdout.write(JSON.stringify(result) + '\n')
  } finally {
    // Only our own child: closing its stdin stops it.
    child.stdin.end()
  }
}

try {
  const o = parseArgs(process.argv.slice(2))
  if (o.role === 'server') await server(o)
  else await client(o)
} catch (err) {
  process.stderr.write(`bench.mjs: ${err?.stack ?? err}\n`)
  process.exitCode = 1
}
