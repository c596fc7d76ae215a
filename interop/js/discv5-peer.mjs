// Node Discovery v5.1 partner for the serenity-p2p interop tests: one @chainsafe/discv5 node on UDP.
//
// Driven by arguments and by commands on stdin, one JSON object per line (ping, findnode, lookup,
// talk, table, add-enr, quit); prints one JSON object per line on stdout (contract in docs/interop.md,
// "discv5 peer") and nothing else there. Diagnostics go to stderr (DEBUG=discv5* adds the library's
// own log). Exits on `quit`, when stdin closes, or on SIGTERM/SIGINT; stopping is bounded to 5 s.
import { createSocket } from 'node:dgram'
import { createInterface } from 'node:readline'
import { Discv5 } from '@chainsafe/discv5'
import { ENR, SignableENR } from '@chainsafe/enr'
import { generateKeyPair, privateKeyFromRaw } from '@libp2p/crypto/keys'
// @chainsafe/discv5 11.0.0 calls toOptions() on its bind multiaddrs, an API that multiaddr 13
// (this package's own pin, used by the libp2p scripts) removed: bind addresses come from the 12.x alias.
import { multiaddr as multiaddr12 } from 'multiaddr12'

/** TALKREQ protocol this peer answers with the request bytes reversed; any other gets an empty TALKRESP. */
export const ECHO_TALK_PROTOCOL = 'echo'

const USAGE = `usage: node discv5-peer.mjs [options]
  --key-hex <hex>              secp256k1 private key, 32 bytes (default: a fresh random key)
  --ip <ipv4>                  address to bind and to sign into the ENR (default 127.0.0.1)
  --port <n>                   UDP port to bind and sign (default 0 = pick a free one)
  --seq <n>                    sequence number of our ENR (default 1)
  --bootnode <enr>             add this ENR to the table at start (repeatable; no traffic until a command)
  --enr-update on|off          let PONG address votes rewrite our ENR (default off)
  --rate-limit on|off          js's inbound packet rate limiter (default off; see docs/interop.md)
  --request-timeout-ms <ms>    js's per-request timeout (default 1000, the library default)
  --timeout-ms <ms>            bound on each stdin command, and the lookup timeout (default 30000)
stdin commands (JSON, one per line; an optional "id" is echoed in the reply):
  {"cmd":"ping","enr":"enr:..."}                        -> pong | error
  {"cmd":"findnode","enr":"enr:...","distances":[0]}    -> nodes | error
  {"cmd":"lookup","target":"<64 hex>"|"random"|"self"}  -> lookup | error
  {"cmd":"talk","enr":"enr:...","protocol":"echo","data":"<hex>"} -> talk-resp | error
  {"cmd":"table"}                                       -> table
  {"cmd":"add-enr","enr":"enr:..."}                     -> added | error
  {"cmd":"quit"}                                        -> stopped`

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

const why = (err) => {
  const msg = String(err?.message ?? err)
  return err?.code != null ? `${err.code}: ${msg}` : msg
}
const hex = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
/** ENR sequence numbers are bigints: a JSON number while exact, else a decimal string. */
const seqJson = (n) => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString())
/** Request ids as js holds them (a bigint): even-length hex, so leading zero bytes are visibly gone. */
const idHex = (n) => {
  const s = n.toString(16)
  return s.length % 2 === 0 ? s : '0' + s
}

function parseArgs (argv) {
  const o = {
    keyHex: null, ip: '127.0.0.1', port: 0, seq: 1n, bootnodes: [], enrUpdate: false, rateLimit: false,
    requestTimeoutMs: 1000, timeoutMs: 30_000
  }
  const onOff = (name, v) => {
    if (v !== 'on' && v !== 'off') throw new Error(`${name} must be on or off, got ${v}`)
    return v === 'on'
  }
  const int = (name, v, min, max = Number.MAX_SAFE_INTEGER) => {
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max}, got ${v}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    switch (a) {
      case '--key-hex': o.keyHex = next(); break
      case '--ip': o.ip = next(); break
      case '--port': o.port = int(a, next(), 0, 65535); break
      case '--seq': o.seq = BigInt(int(a, next(), 1)); break
      case '--bootnode': o.bootnodes.push(decodeEnr(next(), a)); break
      case '--enr-update': o.enrUpdate = onOff(a, next()); break
      case '--rate-limit': o.rateLimit = onOff(a, next()); break
      case '--request-timeout-ms': o.requestTimeoutMs = int(a, next(), 1); break
      case '--timeout-ms': o.timeoutMs = int(a, next(), 1); break
      case '--help': case '-h': process.stderr.write(USAGE + '\n'); process.exit(0); break
      default: throw new Error(`unknown option ${a} (--help lists them)`)
    }
  }
  if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(o.ip) || o.ip.split('.').some(p => Number(p) > 255)) {
    throw new Error(`--ip must be an IPv4 address, got ${o.ip}`)
  }
  return o
}

function decodeEnr (text, what) {
  if (typeof text !== 'string') throw new Error(`${what}: enr must be a string`)
  try {
    return ENR.decodeTxt(text)
  } catch (err) {
    throw new Error(`${what}: bad ENR (${why(err)})`)
  }
}

async function privateKey (o) {
  if (o.keyHex == null) return generateKeyPair('secp256k1')
  if (!/^[0-9a-fA-F]{64}$/.test(o.keyHex)) throw new Error('--key-hex must be 32 bytes of hex')
  return privateKeyFromRaw(new Uint8Array(Buffer.from(o.keyHex, 'hex')))
}

/** js cannot learn the port of a port-0 bind, and the ENR must carry the real one: ask the OS via a probe socket. */
function freeUdpPort (ip) {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4')
    s.once('error', reject)
    s.bind(0, ip, () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

const ipv4Bytes = (ip) => Uint8Array.from(ip.split('.').map(Number))
const portBytes = (port) => Uint8Array.of(port >> 8, port & 0xff)

function socketAddrJson (ma) {
  const opts = ma.toOptions()
  return { ip: opts.host, port: opts.port }
}

function ipJson (ip) {
  if (ip.type === 4) return Array.from(ip.octets).join('.')
  const words = []
  for (let i = 0; i < 16; i += 2) words.push(((ip.octets[i] << 8) | ip.octets[i + 1]).toString(16))
  return words.join(':')
}

/** Rejects after ms: several library calls never settle when a send fails before any timer is set. */
function bounded (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Creates and starts the node; with --port 0 a probed port can be taken by someone else meanwhile, so retry. */
async function startNode (o, key) {
  const attempts = o.port === 0 ? 5 : 1
  for (let attempt = 1; ; attempt++) {
    const port = o.port === 0 ? await freeUdpPort(o.ip) : o.port
    const enr = new SignableENR({
      id: new TextEncoder().encode('v4'),
      secp256k1: key.publicKey.raw,
      ip: ipv4Bytes(o.ip),
      udp: portBytes(port)
    }, o.seq, key.raw)
    const node = Discv5.create({
      enr,
      privateKey: key,
      bindAddrs: { ip4: multiaddr12(`/ip4/${o.ip}/udp/${port}`) },
      config: {
        enrUpdate: o.enrUpdate,
        requestTimeout: o.requestTimeoutMs,
        lookupTimeout: o.timeoutMs
      },
      // GCRA buckets: 50 packets/s per source IP (an IP over it is banned for the process's
      // lifetime, by the library), 500 packets/s in all. Replies to our own requests bypass both.
      rateLimiterOpts: o.rateLimit
        ? { byIPQuota: { replenishAllEvery: 1000, maxTokens: 50 }, globalQuota: { replenishAllEvery: 1000, maxTokens: 500 } }
        : undefined
    })
    try {
      await node.start()
      return { node, port }
    } catch (err) {
      if (attempt >= attempts || err?.code !== 'EADDRINUSE') throw err
      process.stderr.write(`discv5-peer: port ${port} taken before bind, probing again\n`)
    }
  }
}

async function main () {
  let o
  let key
  try {
    o = parseArgs(process.argv.slice(2))
    key = await privateKey(o)
  } catch (err) {
    emit({ event: 'error', what: 'args', why: why(err) })
    process.stderr.write(USAGE + '\n')
    process.exitCode = 2
    return
  }

  let node
  let port
  try {
    ({ node, port } = await startNode(o, key))
  } catch (err) {
    emit({ event: 'error', what: 'start', why: why(err) })
    process.exitCode = 1
    return
  }
  const selfId = node.enr.nodeId

  node.on('enrAdded', (enr, replaced) => {
    emit({ event: 'enr-added', nodeId: enr.nodeId, enr: enr.encodeTxt(), replaced: replaced?.nodeId ?? null })
  })
  node.on('discovered', (enr) => {
    emit({ event: 'discovered', nodeId: enr.nodeId, enr: enr.encodeTxt() })
  })
  node.on('multiaddrUpdated', (addr) => {
    emit({ event: 'addr-updated', multiaddr: addr.toString(), ...socketAddrJson(addr), enr: node.enr.encodeTxt(), seq: seqJson(node.enr.seq) })
  })
  node.on('talkReqReceived', (nodeAddr, enr, message) => {
    const protocol = Buffer.from(message.protocol).toString('utf8')
    emit({
      event: 'talk-req',
      from: nodeAddr.nodeId,
      ...socketAddrJson(nodeAddr.socketAddr),
      requestId: idHex(message.id),
      protocol,
      protocolHex: hex(message.protocol),
      data: hex(message.request),
      knownEnr: enr != null
    })
    // The library leaves TALKREQ to the application: always answer, empty for protocols we do not serve.
    const reply = protocol === ECHO_TALK_PROTOCOL ? Uint8Array.from(message.request).reverse() : new Uint8Array(0)
    node.sendTalkResp(nodeAddr, message.id, reply).catch((err) => emit({ event: 'error', what: 'talk-resp', why: why(err) }))
  })

  for (const enr of o.bootnodes) node.addEnr(enr)

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
  // A library callback that throws must not kill the peer silently: report it and keep serving.
  process.on('unhandledRejection', (err) => emit({ event: 'error', what: 'unhandled', why: why(err) }))

  const commands = {
    async ping (c) {
      const enr = decodeEnr(c.enr, 'ping')
      const start = performance.now()
      const pong = await bounded(node.sendPing(enr), o.timeoutMs, 'ping')
      return {
        event: 'pong',
        nodeId: enr.nodeId,
        enrSeq: seqJson(pong.enrSeq),
        ip: ipJson(pong.addr.ip),
        port: pong.addr.port,
        ms: Math.round(performance.now() - start)
      }
    },
    async findnode (c) {
      const enr = decodeEnr(c.enr, 'findnode')
      const distances = c.distances ?? [0]
      // Sent as given (even empty or above 256), so Java's handling of odd requests can be tried.
      if (!Array.isArray(distances) || !distances.every(d => Number.isSafeInteger(d) && d >= 0)) {
        throw new Error('findnode: distances must be an array of integers >= 0')
      }
      const start = performance.now()
      const enrs = await bounded(node.sendFindNode(enr, distances), o.timeoutMs, 'findnode')
      return {
        event: 'nodes',
        from: enr.nodeId,
        distances,
        nodeIds: enrs.map(e => e.nodeId),
        enrs: enrs.map(e => e.encodeTxt()),
        ms: Math.round(performance.now() - start)
      }
    },
    async lookup (c) {
      const t = c.target ?? 'random'
      let target
      if (t === 'random') target = hex(crypto.getRandomValues(new Uint8Array(32)))
      else if (t === 'self') target = selfId
      else if (typeof t === 'string' && /^[0-9a-fA-F]{64}$/.test(t)) target = t.toLowerCase()
      else throw new Error('lookup: target must be 64 hex digits, "random" or "self"')
      const start = performance.now()
      // With an empty table the library's lookup has nobody to ask and only ends at its timeout: answer now.
      if (node.kadValues().length === 0) return { event: 'lookup', target, nodeIds: [], ms: 0 }
      // A lookup ends by itself after --timeout-ms (lookupTimeout) with what it has; bound it a little later.
      const enrs = await bounded(node.findNode(target), o.timeoutMs + 5_000, 'lookup')
      return {
        event: 'lookup',
        target,
        nodeIds: enrs.map(e => e.nodeId),
        ms: Math.round(performance.now() - start)
      }
    },
    async talk (c) {
      const enr = decodeEnr(c.enr, 'talk')
      if (typeof c.protocol !== 'string') throw new Error('talk: protocol must be a string')
      const data = c.data ?? ''
      if (typeof data !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(data)) throw new Error('talk: data must be hex')
      const start = performance.now()
      const resp = await bounded(node.sendTalkReq(enr, new Uint8Array(Buffer.from(data, 'hex')), c.protocol), o.timeoutMs, 'talk')
      return { event: 'talk-resp', from: enr.nodeId, protocol: c.protocol, data: hex(resp), ms: Math.round(performance.now() - start) }
    },
    async table () {
      const enrs = node.kadValues()
      return { event: 'table', size: enrs.length, nodeIds: enrs.map(e => e.nodeId), enrs: enrs.map(e => e.encodeTxt()) }
    },
    async 'add-enr' (c) {
      const enr = decodeEnr(c.enr, 'add-enr')
      // enr-added (the library's event) follows only when the record was not in the table yet.
      node.addEnr(enr)
      return { event: 'added', nodeId: enr.nodeId, inTable: node.getKadValue(enr.nodeId) != null }
    }
  }

  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    if (stopping || line.trim() === '') return
    let c
    try {
      c = JSON.parse(line)
      if (c == null || typeof c !== 'object' || typeof c.cmd !== 'string') throw new Error('not an object with a "cmd" string')
    } catch (err) {
      emit({ event: 'error', what: 'command', why: `unreadable command: ${why(err)}` })
      return
    }
    const withId = (event) => (c.id === undefined ? event : { ...event, id: c.id })
    if (c.cmd === 'quit') {
      shutdown(0)
      return
    }
    const run = Object.hasOwn(commands, c.cmd) ? commands[c.cmd] : null
    if (run == null) {
      emit(withId({ event: 'error', what: c.cmd, why: `unknown command ${c.cmd}` }))
      return
    }
    // Commands run concurrently; each ends in exactly one reply (its result or an error).
    run(c).then(
      (result) => { if (!stopping) emit(withId(result)) },
      (err) => { if (!stopping) emit(withId({ event: 'error', what: c.cmd, why: why(err) })) }
    )
  })
  lines.on('close', () => { shutdown(0) })
  process.stdin.on('error', () => { shutdown(0) })

  emit({
    event: 'listening',
    nodeId: selfId,
    enr: node.enr.encodeTxt(),
    ip: o.ip,
    port,
    seq: seqJson(node.enr.seq),
    peerId: node.peerId.toString()
  })
}

await main()
