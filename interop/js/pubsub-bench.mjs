// js -> js gossipsub benchmarks (libp2p 3.3.11, @libp2p/gossipsub 17.1.1), one JSON line per result.
//
//   node pubsub-bench.mjs [--what throughput,mesh] [--muxer yamux|mplex] [--sign strict,none]
//                         [--key-type ed25519|secp256k1] [--small 20000] [--large 2000] [--window n]
//                         [--nodes 20] [--mesh-messages 500] [--mesh-rate 50] [--mesh-size 256]
//                         [--case-timeout-ms 120000] [--seed 1] [--sizes 256:20000,1048576:200]
//
// throughput: a publisher (this process) and a receiver (a copy of this script, --role receiver) over
//   TCP + Noise + the muxer, one topic. Cases: --small messages of 1 KiB and --large messages of 100 KiB,
//   for each --sign policy. The receiver counts what arrives and reports its count every 20 ms on stdout;
//   the publisher keeps at most a window of messages (about 4 MiB) published but not yet counted, so a
//   slow receiver paces it instead of being overrun (js aborts streams silently when it falls behind);
//   --window sets that limit in messages instead. --sizes replaces the two cases by a list of
//   size:messages pairs (bench/run-size-sweep).
//   Time runs from the first timed publish to the arrival of the last message at the receiver (same
//   machine, same clock). Untimed warm-up messages (first byte 0) go first; timed ones start with byte 1.
// mesh: --nodes gossipsub nodes IN ONE Node process (one process per node is too heavy for 2 cores), each
//   dialing its ring successor and two random others (chosen by a seeded generator) over TCP + Noise +
//   the muxer, all on one topic. Once every node has a mesh peer (and after a few heartbeats), node 0
//   publishes --mesh-messages messages of --mesh-size bytes at --mesh-rate per second with
//   StrictNoSign; every other node records publish-to-delivery latency from a timestamp in the payload
//   (one process: one clock). The Java twin of this case is bench's MeshLatencyBench.
import './polyfill.mjs'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { WARMUP_ROUNDS, WARMUP_ROUND_MS, cpuTicks, stealPercent } from './machine.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mplex } from '@libp2p/mplex'
import { identify } from '@libp2p/identify'
import { gossipsub } from '@libp2p/gossipsub'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'

const TOPIC = 'serenity-bench'
const KiB = 1024
const MiB = 1024 * 1024
const round = (x) => Math.round(x * 10) / 10
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function parseArgs (argv) {
  const o = {
    role: 'bench', what: ['throughput', 'mesh'], muxer: 'yamux', sign: ['strict', 'none'], keyType: 'ed25519',
    small: 20_000, large: 2_000, window: 0, nodes: 20, meshMessages: 500, meshRate: 50, meshSize: 256, meshWarmup: 2_000, caseTimeoutMs: 120_000,
    seed: 1, sizes: null
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = argv[++i]
    if (v == null) throw new Error(`${a} needs a value`)
    const int = () => {
      const n = Number(v)
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${a} must be a non-negative integer`)
      return n
    }
    switch (a) {
      case '--role': o.role = v; break
      case '--what': o.what = v.split(','); break
      case '--muxer': o.muxer = v; break
      case '--sign': o.sign = v.split(','); break
      case '--key-type': o.keyType = v; break
      case '--small': o.small = int(); break
      case '--large': o.large = int(); break
      case '--window': o.window = int(); break
      case '--nodes': o.nodes = int(); break
      case '--mesh-messages': o.meshMessages = int(); break
      case '--mesh-rate': o.meshRate = int(); break
      case '--mesh-warmup': o.meshWarmup = int(); break
      case '--case-timeout-ms': o.caseTimeoutMs = int(); break
      case '--mesh-size': o.meshSize = int(); break
      case '--seed': o.seed = int(); break
      case '--sizes': o.sizes = v.split(',').map((pair) => {
        const [size, messages] = pair.split(':').map(Number)
        if (!Number.isSafeInteger(size) || size < 9 || !Number.isSafeInteger(messages) || messages < 1) {
          throw new Error('--sizes takes size:messages pairs, size at least 9 bytes')
        }
        return [size, messages]
      }); break
      default: throw new Error(`unknown option ${a}`)
    }
  }
  if (o.muxer !== 'yamux' && o.muxer !== 'mplex') throw new Error('--muxer must be yamux or mplex')
  for (const s of o.sign) if (s !== 'strict' && s !== 'none') throw new Error('--sign takes strict,none')
  if (o.keyType !== 'ed25519' && o.keyType !== 'secp256k1') throw new Error('--key-type must be ed25519 or secp256k1')
  return o
}

async function createNode (o, sign, listen, extra = {}) {
  return createLibp2p({
    privateKey: await generateKeyPair(o.keyType === 'ed25519' ? 'Ed25519' : 'secp256k1'),
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [o.muxer === 'yamux' ? yamux() : mplex({ disconnectThreshold: 1_000_000 })],
    connectionManager: { inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 10_000, maxConnections: 10_000 },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: sign === 'strict' ? 'StrictSign' : 'StrictNoSign',
        allowPublishToZeroTopicPeers: true,
        ...extra
      })
    }
  })
}

// ---- throughput: receiver side (child process) ----

async function receiver (o) {
  const sign = o.sign[0]
  const n = await createNode(o, sign, ['/ip4/127.0.0.1/tcp/0'])
  let count = 0
  let warm = 0
  let bytes = 0
  let last = 0
  let reported = -1
  n.services.pubsub.addEventListener('message', (evt) => {
    const d = evt.detail.data
    if (d[0] !== 1) {
      warm++
      return
    }
    count++
    bytes += d.byteLength
    last = now()
  })
  n.services.pubsub.subscribe(TOPIC)
  const timer = setInterval(() => {
    if (count + warm !== reported) {
      reported = count + warm
      process.stdout.write(JSON.stringify({ count, warm, bytes, last }) + '\n')
    }
  }, 20)
  const stop = () => { clearInterval(timer); n.stop().finally(() => process.exit(0)) }
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.on('SIGTERM', stop)
  process.stdin.resume()
  process.stdout.write(JSON.stringify({ listening: n.getMultiaddrs().map(String) }) + '\n')
}

// ---- throughput: publisher side ----

async function startReceiver (o, sign) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--role', 'receiver', '--sign', sign,
    '--muxer', o.muxer, '--key-type', o.keyType], { stdio: ['pipe', 'pipe', 'inherit'] })
  const state = { count: 0, warm: 0, bytes: 0, last: 0, changed: () => {} }
  const lines = createInterface({ input: child.stdout })
  const addr = await new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const m = JSON.parse(line)
      if (m.listening != null) { resolve(m.listening[0]); return }
      state.count = m.count
      state.warm = m.warm
      state.bytes = m.bytes
      state.last = m.last
      state.changed()
    })
    child.once('exit', (code) => reject(new Error(`bench receiver exited with ${code}`)))
    setTimeout(() => reject(new Error('bench receiver did not start within 30 s')), 30_000).unref()
  })
  return { child, addr, state }
}

async function waitFor (cond, ms, what) {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

async function throughputCase (o, sign, size, messages) {
  const { child, addr, state } = await startReceiver(o, sign)
  const pub = await createNode(o, sign, [])
  try {
    const ps = pub.services.pubsub
    ps.subscribe(TOPIC)
    await pub.dial(multiaddr(addr))
    await waitFor(() => ps.getMeshPeers(TOPIC).length > 0, 30_000, 'the mesh')
    const template = randomBytes(size)
    let seq = 0
    const message = (timed) => {
      const d = new Uint8Array(size)
      d.set(template)
      d[0] = timed ? 1 : 0
      // Unique data per message: StrictNoSign ids are SHA-256 of the data, duplicates would be dropped.
      new DataView(d.buffer).setUint32(4, seq++)
      return d
    }
    const window = o.window > 0 ? o.window : Math.max(16, Math.floor(4 * MiB / size))
    // Untimed warm-up, as Java's PubSubBench warms up (bench's Warmup): rounds of at least half a second
    // of messages (first byte 0) sent as the timed ones are, at most a window ahead of what arrived, three
    // rounds (Java's minimum); then every warm-up message has arrived before the clock starts.
    const warmStart = now()
    let warmPublished = 0
    for (let r = 0; r < WARMUP_ROUNDS; r++) {
      const r0 = now()
      while (now() - r0 < WARMUP_ROUND_MS) {
        if (warmPublished - state.warm >= window) {
          await new Promise((resolve) => { state.changed = resolve; setTimeout(resolve, 100) })
          continue
        }
        await ps.publish(TOPIC, message(false))
        warmPublished++
      }
    }
    await waitFor(() => state.warm >= warmPublished, 30_000, 'every warm-up message to arrive')
    const warmSeconds = (now() - warmStart) / 1000
    const ticks = cpuTicks()
    const deadline = Date.now() + o.caseTimeoutMs
    const start = now()
    let published = 0
    let stalled = false
    const progress = () => new Promise((resolve) => { state.changed = resolve; setTimeout(resolve, 100) })
    while (published < messages && Date.now() < deadline) {
      if (published - state.count >= window) {
        const before = state.count
        const stallDeadline = Date.now() + 15_000
        while (published - state.count >= window && Date.now() < stallDeadline && Date.now() < deadline) await progress()
        if (state.count === before && published - state.count >= window) { stalled = true; break }
        if (Date.now() >= deadline) break
        continue
      }
      await ps.publish(TOPIC, message(true))
      published++
    }
    // Count what arrived: wait for the receiver to report everything, or for a 15 s stall.
    let lastCount = -1
    let lastChange = Date.now()
    while (state.count < published && Date.now() < deadline) {
      if (state.count !== lastCount) { lastCount = state.count; lastChange = Date.now() }
      if (Date.now() - lastChange > 15_000) { stalled = true; break }
      await progress()
    }
    const ms = state.last - start
    const delivered = state.count
    const stolen = stealPercent(ticks, cpuTicks())
    return {
      bench: 'pubsub-throughput',
      impl: 'js',
      muxer: o.muxer,
      sign,
      processes: 2,
      transport: `tcp+noise+${o.muxer}`,
      signaturePolicy: sign === 'strict' ? 'StrictSign' : 'StrictNoSign',
      keyType: o.keyType,
      size,
      messages,
      published,
      delivered,
      complete: delivered === messages && !stalled,
      window,
      ms: Math.round(ms),
      msgPerSec: round(delivered / (ms / 1000)),
      mibPerSec: round(state.bytes / MiB / (ms / 1000)),
      node: process.version,
      libp2p: '3.3.11',
      gossipsub: '17.1.1',
      conditions: { warmup: { rounds: WARMUP_ROUNDS, seconds: round(warmSeconds), messages: warmPublished }, stealPercent: stolen }
    }
  } finally {
    await pub.stop().catch(() => {})
    child.stdin.end()
    await new Promise((resolve) => { child.once('exit', resolve); setTimeout(resolve, 5_000).unref() })
  }
}

// ---- mesh latency: many nodes in this process ----

function percentile (sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function meshLatency (o) {
  const sign = 'none'
  const nodes = []
  const latencies = []
  let delivered = 0
  let warmDelivered = 0
  try {
    for (let i = 0; i < o.nodes; i++) {
      const n = await createNode(o, sign, ['/ip4/127.0.0.1/tcp/0'])
      n.services.pubsub.addEventListener('message', (evt) => {
        const d = evt.detail.data
        if (d.byteLength < 16) return
        if (d[0] !== 1) {
          warmDelivered++
          return
        }
        const sent = new DataView(d.buffer, d.byteOffset, d.byteLength).getFloat64(8)
        latencies.push(performance.now() - sent)
        delivered++
      })
      n.services.pubsub.subscribe(TOPIC)
      nodes.push(n)
    }
    const dials = []
    // A small seeded generator (mulberry32): the same topology on every run.
    let state = o.seed >>> 0
    const random = () => {
      state = (state + 0x6D2B79F5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    for (let i = 0; i < o.nodes; i++) {
      const targets = new Set([(i + 1) % o.nodes])
      while (targets.size < Math.min(3, o.nodes - 1)) {
        const t = Math.floor(random() * o.nodes)
        if (t !== i) targets.add(t)
      }
      for (const t of targets) dials.push(nodes[i].dial(nodes[t].getMultiaddrs()[0]).catch(() => {}))
    }
    await Promise.all(dials)
    const meshStart = now()
    await waitFor(() => nodes.every((n) => n.services.pubsub.getMeshPeers(TOPIC).length > 0), 30_000, 'every node to have a mesh peer')
    // Let a few heartbeats fill the meshes towards D.
    await sleep(3_000)
    const meshSizes = nodes.map((n) => n.services.pubsub.getMeshPeers(TOPIC).length)
    const meshMs = now() - meshStart
    const size = Math.max(16, o.meshSize)
    const template = randomBytes(size)
    // Untimed warm-up (first byte 0), as in the Java twin: enough messages that both runtimes' JITs have
    // compiled the paths, so the timed messages see the steady state a long-running node lives in.
    // --mesh-warmup messages, then as Java's twin goes on until its JIT is quiet, WARMUP_ROUNDS rounds of
    // half a second more (Java's minimum).
    const warmStart = now()
    let warmPublished = 0
    const publishWarm = async () => {
      const d = new Uint8Array(size)
      d.set(template)
      d[0] = 0
      new DataView(d.buffer).setUint32(4, warmPublished++)
      await nodes[0].services.pubsub.publish(TOPIC, d)
      await sleep(2)
    }
    while (warmPublished < o.meshWarmup) await publishWarm()
    for (let r = 0; r < WARMUP_ROUNDS; r++) {
      const r0 = now()
      while (now() - r0 < WARMUP_ROUND_MS) await publishWarm()
    }
    const warmSeconds = (now() - warmStart) / 1000
    // Every node has had every warm-up message (no backlog left to slow the timed ones), then a pause.
    const warmExpected = warmPublished * (o.nodes - 1)
    await waitFor(() => warmDelivered >= warmExpected, 60_000, 'every warm-up message to arrive').catch(() => {})
    await sleep(1_000)
    const ticks = cpuTicks()
    const start = performance.now()
    for (let i = 0; i < o.meshMessages; i++) {
      const due = start + (i * 1000) / Math.max(1, o.meshRate)
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      const d = new Uint8Array(size)
      d.set(template)
      d[0] = 1
      const v = new DataView(d.buffer)
      v.setUint32(4, i)
      v.setFloat64(8, performance.now())
      await nodes[0].services.pubsub.publish(TOPIC, d)
    }
    const expected = o.meshMessages * (o.nodes - 1)
    const deadline = Date.now() + 15_000
    while (delivered < expected && Date.now() < deadline) await sleep(50)
    const stolen = stealPercent(ticks, cpuTicks())
    const sorted = latencies.slice().sort((a, b) => a - b)
    return {
      bench: 'pubsub-mesh-latency',
      impl: 'js',
      muxer: o.muxer,
      processes: 1,
      nodes: o.nodes,
      transport: `tcp+noise+${o.muxer}`,
      signaturePolicy: 'StrictNoSign',
      size,
      messages: o.meshMessages,
      warmup: warmPublished,
      warmDelivered,
      conditions: { warmup: { rounds: WARMUP_ROUNDS, seconds: round(warmSeconds), messages: warmPublished }, stealPercent: stolen },
      ratePerSec: o.meshRate,
      expected,
      delivered,
      meshSizeMin: Math.min(...meshSizes),
      meshSizeMax: Math.max(...meshSizes),
      meshFormMs: Math.round(meshMs),
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted[sorted.length - 1] ?? 0),
      node: process.version,
      libp2p: '3.3.11',
      gossipsub: '17.1.1'
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop().catch(() => {})))
  }
}

async function bench (o) {
  if (o.what.includes('throughput')) {
    for (const sign of o.sign) {
      for (const [size, messages] of o.sizes ?? [[KiB, o.small], [100 * KiB, o.large]]) {
        if (messages === 0) continue
        try {
          process.stdout.write(JSON.stringify(await throughputCase(o, sign, size, messages)) + '\n')
        } catch (err) {
          process.stdout.write(JSON.stringify({ bench: 'pubsub-throughput', sign, size, messages, error: String(err?.message ?? err) }) + '\n')
          process.exitCode = 1
        }
      }
    }
  }
  if (o.what.includes('mesh') && o.nodes > 1) {
    try {
      process.stdout.write(JSON.stringify(await meshLatency(o)) + '\n')
    } catch (err) {
      process.stdout.write(JSON.stringify({ bench: 'pubsub-mesh-latency', error: String(err?.message ?? err) }) + '\n')
      process.exitCode = 1
    }
  }
  // Timers inside libp2p may linger after stop: leave promptly.
  process.exit(process.exitCode ?? 0)
}

try {
  const o = parseArgs(process.argv.slice(2))
  if (o.role === 'receiver') await receiver(o)
  else await bench(o)
} catch (err) {
  process.stderr.write(`pubsub-bench.mjs: ${err?.stack ?? err}\n`)
  process.exit(1)
}
