// js-libp2p partner for the serenity-p2p interop tests.
//
// Driven by arguments; prints one JSON object per line on stdout (the contract is in docs/interop.md)
// and logs nothing else there. Diagnostics go to stderr. Exits when stdin closes, on SIGTERM/SIGINT,
// or (with --exit) once the dialer actions are done.
import './polyfill.mjs'
import { createHash, randomBytes } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { quic } from '@chainsafe/libp2p-quic'
import { noise } from '@chainsafe/libp2p-noise'
import { tls } from '@libp2p/tls'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mplex } from '@libp2p/mplex'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair, generateKeyPairFromSeed, privateKeyFromRaw } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'

export const ECHO_PROTOCOL = '/echo/1.0.0'
const CHUNK = 64 * 1024

const USAGE = `usage: node peer.mjs [options]
  --key-type secp256k1|ed25519   identity key type (default ed25519)
  --key-hex <hex>                raw private key: secp256k1 32-byte scalar, ed25519 32-byte seed (or 64 bytes)
  --listen <multiaddr>|none      listen address (default /ip4/127.0.0.1/tcp/0); repeatable
  --transports tcp,quic          transports to enable (default tcp); quic listens and dials /udp/<port>/quic-v1
  --muxers yamux,mplex           muxers in preference order (default yamux,mplex)
  --encrypters noise,tls         connection encrypters in proposal order (default noise)
  --noise-muxers on|off          offer muxers inside the Noise handshake (default on); off forces multistream
  --tls-muxers on|off            offer muxers in the TLS handshake's ALPN (default on); off offers only libp2p
  --dial <multiaddr>             dial this address (normally ending in /p2p/<peer id>)
  --ping <count>                 as dialer: ping the remote count times (default 0)
  --echo                         serve ${ECHO_PROTOCOL}
  --streams <n> --bytes <b>      as dialer: n concurrent echo streams of b random bytes each
  --close                        as dialer: close the connection when done
  --exit                         as dialer: exit when done (implies stopping the node)
  --rate-limit on|off            js's inbound rate limits (default on): 5 connections/s per IP, and
                                 with mplex 5 new streams/s per connection; off lifts both
  --monitor on|off               js's connection monitor pinging every 10 s (default on)
  --agent <text>                 identify agentVersion to announce
  --timeout-ms <ms>              bound on each dialer action (default 30000)`

/** One JSON object per line: the stable contract with JsPeer.java. */
function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

const why = (err) => String(err?.message ?? err)

function parseArgs (argv) {
  const o = {
    keyType: 'ed25519', keyHex: null, listen: [], transports: ['tcp'], muxers: ['yamux', 'mplex'], noiseMuxers: true,
    encrypters: ['noise'], tlsMuxers: true,
    dial: null, ping: 0, echo: false, streams: 0, bytes: null, close: false, exit: false,
    rateLimit: true, monitor: true, agent: null, timeoutMs: 30_000
  }
  const onOff = (name, v) => {
    if (v !== 'on' && v !== 'off') throw new Error(`${name} must be on or off, got ${v}`)
    return v === 'on'
  }
  const int = (name, v, min) => {
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${v}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    switch (a) {
      case '--key-type': o.keyType = next().toLowerCase(); break
      case '--key-hex': o.keyHex = next(); break
      case '--listen': o.listen.push(next()); break
      case '--transports': o.transports = next().split(',').map(s => s.trim()).filter(Boolean); break
      case '--muxers': o.muxers = next().split(',').map(s => s.trim()).filter(Boolean); break
      case '--noise-muxers': o.noiseMuxers = onOff(a, next()); break
      case '--encrypters': o.encrypters = next().split(',').map(s => s.trim()).filter(Boolean); break
      case '--tls-muxers': o.tlsMuxers = onOff(a, next()); break
      case '--dial': o.dial = next(); break
      case '--ping': o.ping = int(a, next(), 0); break
      case '--echo': o.echo = true; break
      case '--streams': o.streams = int(a, next(), 0); break
      case '--bytes': o.bytes = int(a, next(), 0); break
      case '--close': o.close = true; break
      case '--exit': o.exit = true; break
      case '--rate-limit': o.rateLimit = onOff(a, next()); break
      case '--monitor': o.monitor = onOff(a, next()); break
      case '--agent': o.agent = next(); break
      case '--timeout-ms': o.timeoutMs = int(a, next(), 1); break
      case '--help': case '-h': process.stderr.write(USAGE + '\n'); process.exit(0); break
      default: throw new Error(`unknown option ${a} (--help lists them)`)
    }
  }
  if (o.keyType !== 'ed25519' && o.keyType !== 'secp256k1') throw new Error(`--key-type must be secp256k1 or ed25519, got ${o.keyType}`)
  if (o.transports.length === 0) throw new Error('--transports needs at least one of tcp, quic')
  for (const t of o.transports) if (t !== 'tcp' && t !== 'quic') throw new Error(`unknown transport ${t}`)
  if (o.muxers.length === 0) throw new Error('--muxers needs at least one of yamux, mplex')
  for (const m of o.muxers) if (m !== 'yamux' && m !== 'mplex') throw new Error(`unknown muxer ${m}`)
  if (o.encrypters.length === 0) throw new Error('--encrypters needs at least one of noise, tls')
  for (const e of o.encrypters) if (e !== 'noise' && e !== 'tls') throw new Error(`unknown encrypter ${e}`)
  if (new Set(o.encrypters).size !== o.encrypters.length) throw new Error(`--encrypters lists one twice: ${o.encrypters}`)
  if (o.streams > 0 && o.bytes == null) throw new Error('--streams needs --bytes')
  if (o.listen.length === 0) o.listen.push('/ip4/127.0.0.1/tcp/0')
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

/**
 * Wraps an encrypter so it never lists muxers in its handshake (the Noise payload, TLS's ALPN, where
 * only 'libp2p' is then offered): both sides then fall back to multistream-select for the muxer, the
 * path older peers use.
 */
function withoutEarlyMuxerNegotiation (factory) {
  return (components) => {
    const encrypter = factory(components)
    const wrapped = Object.create(encrypter)
    wrapped.secureInbound = (conn, opts) => encrypter.secureInbound(conn, { ...opts, skipStreamMuxerNegotiation: true })
    wrapped.secureOutbound = (conn, opts) => encrypter.secureOutbound(conn, { ...opts, skipStreamMuxerNegotiation: true })
    return wrapped
  }
}

/** Serves /echo/1.0.0: every byte back, write side closed once the remote's write side has ended. */
function serveEcho (stream, connection) {
  // yamux has per-stream flow control: pausing withholds window updates, so the sender stops. mplex has
  // none: pausing would only pile data up in the read buffer until js resets the stream, so never pause it.
  const flowControlled = connection.multiplexer === '/yamux/1.0.0'
  // A yamux window can grow to 16 MiB, above js's 4 MiB default read buffer: leave room while paused.
  stream.maxReadBufferLength = 32 * 1024 * 1024
  stream.addEventListener('message', (evt) => {
    try {
      if (!stream.send(evt.data) && flowControlled && stream.readStatus === 'readable') {
        stream.pause()
        stream.onDrain().then(() => {
          // The readable end may have closed meanwhile (remote FIN with nothing buffered): resume would throw.
          if (stream.readStatus === 'paused') stream.resume()
        }, () => {})
      }
    } catch (err) {
      stream.abort(err)
    }
  })
  // A stream that dies (reset by the remote, or aborted with its connection) says why: the Java test
  // prints these events when one of its echo streams fails.
  stream.addEventListener('close', (evt) => {
    if (evt.error != null) {
      emit({ event: 'error', what: 'echo-serve', stream: stream.id, local: evt.local ?? null, why: `${evt.error.name}: ${why(evt.error)}` })
    }
  })
  // 'end' fires after the remote closed its write side AND everything it sent was delivered to us.
  stream.addEventListener('end', () => {
    stream.close().catch((err) => emit({ event: 'error', what: 'echo-serve', why: why(err) }))
  })
}

/** Resolves with [bytes read, SHA-256 hex] once the remote's write side has ended; rejects on abort. */
function drain (stream, signal) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    let n = 0
    let settled = false
    const finish = (err) => {
      if (settled) return
      settled = true
      if (err != null) reject(err)
      else resolve([n, hash.digest('hex')])
    }
    stream.addEventListener('message', (evt) => {
      const data = evt.data
      if (data instanceof Uint8Array) {
        hash.update(data)
      } else {
        for (const buf of data) hash.update(buf)
      }
      n += data.byteLength
    })
    // A reset or an abort dispatches 'end' too (when nothing is left unread), just before 'close' with
    // its error: leave it to 'close', or a stream cut after n bytes would look like a clean, short echo.
    stream.addEventListener('end', () => {
      if (stream.status !== 'reset' && stream.status !== 'aborted') finish()
    })
    stream.addEventListener('close', (evt) => finish(evt.error == null
      ? undefined
      : new Error(`echo stream ${stream.id} ${stream.status} after ${n} bytes: ${evt.error.name}: ${why(evt.error)}`)))
    // A remote that never closes its write side must not hang the dialer forever.
    signal.addEventListener('abort', () => finish(new Error(`no end of echo stream ${stream.id} after ${n} bytes: ${why(signal.reason)}`)), { once: true })
  })
}

async function echoStream (connection, bytes, maxOutboundStreams, signal) {
  const stream = await connection.newStream(ECHO_PROTOCOL, { maxOutboundStreams, signal })
  const reading = drain(stream, signal)
  const data = randomBytes(bytes)
  for (let off = 0; off < bytes; off += CHUNK) {
    if (!stream.send(data.subarray(off, Math.min(bytes, off + CHUNK)))) {
      await stream.onDrain({ signal })
    }
  }
  await stream.close({ signal })
  const [n, digest] = await reading
  const expected = createHash('sha256').update(data).digest('hex')
  if (n !== bytes || digest !== expected) {
    throw new Error(`echo mismatch on stream ${stream.id}: sent ${bytes} bytes, got ${n}; sha256 ${expected} vs ${digest}`)
  }
}

async function runDialer (node, o) {
  const signal = () => AbortSignal.timeout(o.timeoutMs)
  let connection
  try {
    connection = await node.dial(multiaddr(o.dial), { signal: signal() })
  } catch (err) {
    emit({ event: 'error', what: 'dial', why: why(err) })
    return false
  }
  let ok = true
  for (let i = 0; i < o.ping; i++) {
    try {
      const rtt = await node.services.ping.ping(connection.remotePeer, { signal: signal() })
      emit({ event: 'ping', peerId: connection.remotePeer.toString(), seq: i, rttMs: rtt })
    } catch (err) {
      emit({ event: 'error', what: 'ping', why: why(err) })
      ok = false
      break
    }
  }
  if (ok && o.streams > 0) {
    const start = performance.now()
    try {
      const s = signal()
      setMaxListeners(Infinity, s)
      await Promise.all(Array.from({ length: o.streams }, () => echoStream(connection, o.bytes, o.streams + 8, s)))
      emit({ event: 'echo', streams: o.streams, bytes: o.bytes, ok: true, ms: Math.round(performance.now() - start) })
    } catch (err) {
      emit({ event: 'echo', streams: o.streams, bytes: o.bytes, ok: false, ms: Math.round(performance.now() - start) })
      emit({ event: 'error', what: 'echo', why: why(err) })
      ok = false
    }
  }
  if (o.close) {
    try {
      await connection.close({ signal: signal() })
    } catch (err) {
      emit({ event: 'error', what: 'close', why: why(err) })
      ok = false
    }
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
  // js mplex aborts the whole connection when the remote opens more than 5 streams in a second
  // (disconnectThreshold): --rate-limit off lifts that too, or echo tests with many streams fail.
  const mplexInit = o.rateLimit ? {} : { disconnectThreshold: 1_000_000 }
  const muxerFactories = { yamux: () => yamux(), mplex: () => mplex(mplexInit) }
  const encrypterFactories = {
    noise: () => o.noiseMuxers ? noise() : withoutEarlyMuxerNegotiation(noise()),
    tls: () => o.tlsMuxers ? tls() : withoutEarlyMuxerNegotiation(tls())
  }
  const connectionManager = o.rateLimit
    ? {}
    // Off: no per-IP rate limit and room for many upgrades in flight, so handshake tests measure handshakes.
    : { inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 10_000, maxConnections: 10_000 }
  let node
  try {
    node = await createLibp2p({
      privateKey: await privateKey(o),
      addresses: { listen: o.listen },
      transports: o.transports.map(t => t === 'quic' ? quic() : tcp()),
      connectionEncrypters: o.encrypters.map(e => encrypterFactories[e]()),
      streamMuxers: o.muxers.map(m => muxerFactories[m]()),
      connectionManager,
      connectionMonitor: { enabled: o.monitor },
      nodeInfo: o.agent == null ? undefined : { userAgent: o.agent },
      services: {
        // Run identify ourselves on every new connection, so what the remote sent (or why it failed) is printed.
        identify: identify({ runOnConnectionOpen: false }),
        ping: ping()
      }
    })
  } catch (err) {
    emit({ event: 'error', what: 'start', why: why(err) })
    process.exitCode = 1
    return
  }

  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    emit({
      event: 'connected',
      peerId: c.remotePeer.toString(),
      direction: c.direction,
      muxer: c.multiplexer ?? null,
      encryption: c.encryption ?? null,
      remoteAddr: c.remoteAddr.toString()
    })
    node.services.identify.identify(c).then((r) => {
      emit({
        event: 'identify',
        peerId: r.peerId.toString(),
        protocols: r.protocols,
        agentVersion: r.agentVersion ?? null,
        protocolVersion: r.protocolVersion ?? null,
        listenAddrs: r.listenAddrs.map(a => a.toString()),
        observedAddr: r.observedAddr?.toString() ?? null
      })
    }, (err) => emit({ event: 'error', what: 'identify', peerId: c.remotePeer.toString(), why: why(err) }))
  })
  node.addEventListener('connection:close', (evt) => {
    const c = evt.detail
    emit({ event: 'disconnected', peerId: c.remotePeer.toString(), direction: c.direction, status: c.status })
  })

  if (o.echo) {
    await node.handle(ECHO_PROTOCOL, (stream, connection) => serveEcho(stream, connection), {
      maxInboundStreams: 1024, maxOutboundStreams: 1024
    })
  }

  let stopping = false
  const shutdown = async (code) => {
    if (stopping) return
    stopping = true
    // Bounded: a stuck stop must not keep the process (and the Java test) waiting.
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
  process.stdin.on('end', () => { shutdown(0) })
  process.stdin.on('close', () => { shutdown(0) })
  process.stdin.on('error', () => { shutdown(0) })
  process.stdin.resume()

  emit({
    event: 'listening',
    peerId: node.peerId.toString(),
    keyType: o.keyType,
    addrs: node.getMultiaddrs().map(a => a.toString()),
    addrsHex: node.getMultiaddrs().map(a => Buffer.from(a.bytes).toString('hex')),
    muxers: o.muxers,
    encrypters: o.encrypters,
    protocols: node.getProtocols()
  })

  if (o.dial != null) {
    const ok = await runDialer(node, o)
    emit({ event: 'done', ok })
    if (o.exit) await shutdown(ok ? 0 : 1)
  }
}

await main()
