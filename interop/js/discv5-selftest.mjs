// js-only check of discv5-peer.mjs before any Java is involved: starts N peers on 127.0.0.1 (default 4),
// all bootstrapped from the first one's ENR, then PING, FINDNODE [0], TALKREQ and lookups through the
// stdin/stdout contract, until every node's table holds every other node (bounded by --deadline-ms).
// Every peer is stopped through its own handle (stdin closed, then SIGTERM to that child only).
//
// Prints a human-readable log with timings on stdout and ends with "N passed, N failed"; exit 0 on success.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const PEER = fileURLToPath(new URL('./discv5-peer.mjs', import.meta.url))
const USAGE = `usage: node discv5-selftest.mjs [--nodes <n>] [--deadline-ms <ms>] [--verbose]
  --nodes <n>          peers to start, at least 2 (default 4)
  --deadline-ms <ms>   bound on "every table holds every other node" (default 30000)
  --verbose            copy every peer's stdout and stderr lines to stderr`

function parseArgs (argv) {
  const o = { nodes: 4, deadlineMs: 30_000, verbose: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const int = (min) => {
      const n = Number(argv[++i])
      if (!Number.isSafeInteger(n) || n < min) throw new Error(`${a} must be an integer >= ${min}`)
      return n
    }
    switch (a) {
      case '--nodes': o.nodes = int(2); break
      case '--deadline-ms': o.deadlineMs = int(1); break
      case '--verbose': o.verbose = true; break
      default: throw new Error(`unknown option ${a}\n${USAGE}`)
    }
  }
  return o
}

const o = parseArgs(process.argv.slice(2))
const t0 = performance.now()
const since = (t) => Math.round(performance.now() - t)
const log = (line) => process.stdout.write(`[${String(since(t0)).padStart(6)} ms] ${line}\n`)
let passed = 0
let failed = 0
function check (ok, what) {
  if (ok) passed++
  else failed++
  log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  return ok
}

/** One discv5-peer.mjs child: its events, and commands whose replies are matched by id. */
class Peer {
  constructor (index, args) {
    this.index = index
    this.events = []
    this.waiters = []
    this.nextId = 1
    this.child = spawn(process.execPath, [PEER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })))
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (o.verbose) process.stderr.write(`peer${index} > ${line}\n`)
      let ev
      try {
        ev = JSON.parse(line)
      } catch {
        this.push({ event: 'bad-line', line })
        return
      }
      this.push(ev)
    })
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      if (o.verbose) process.stderr.write(`peer${index} ! ${line}\n`)
    })
  }

  push (ev) {
    this.events.push(ev)
    this.waiters = this.waiters.filter((w) => !w(ev))
  }

  /** The first event (already seen or future) matching pred, or a rejection after ms. */
  waitFor (pred, ms, what) {
    const seen = this.events.find(pred)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer${this.index}: no ${what} within ${ms} ms`)), ms)
      this.waiters.push((ev) => {
        if (!pred(ev)) return false
        clearTimeout(timer)
        resolve(ev)
        return true
      })
    })
  }

  /** Sends a command; resolves with its reply (result or error event). */
  command (cmd, ms = 40_000) {
    const id = this.nextId++
    this.child.stdin.write(JSON.stringify({ ...cmd, id }) + '\n')
    return this.waitFor((ev) => ev.id === id, ms, `reply to ${cmd.cmd}`)
  }

  /** Stops this peer only: close its stdin, wait for exit; SIGTERM, then SIGKILL, to this child if it lingers. */
  async stop () {
    const start = performance.now()
    this.child.stdin.end()
    const within = (ms) => Promise.race([this.exited, new Promise((resolve) => setTimeout(() => resolve(null), ms).unref())])
    let exit = await within(7_000)
    let how = 'stdin closed'
    if (exit == null) {
      how = 'SIGTERM'
      this.child.kill('SIGTERM')
      exit = await within(3_000)
    }
    if (exit == null) {
      how = 'SIGKILL'
      this.child.kill('SIGKILL')
      exit = await this.exited
    }
    return { ms: since(start), how, exit, stopped: this.events.some((e) => e.event === 'stopped') }
  }
}

const xor = (a, b) => BigInt('0x' + a) ^ BigInt('0x' + b)
const short = (id) => id.slice(0, 8)

const peers = []
let exitCode = 1
// A hard bound on the whole run, whatever hangs.
const watchdog = setTimeout(async () => {
  log('FAIL watchdog: the self-test took too long, stopping peers')
  await Promise.all(peers.map((p) => p.stop()))
  process.exit(1)
}, o.deadlineMs + 120_000)

try {
  // 1. Start: the first node, then everyone else with its ENR as bootnode.
  let t = performance.now()
  peers.push(new Peer(0, []))
  const boot = await peers[0].waitFor((e) => e.event === 'listening' || e.event === 'error', 15_000, 'listening')
  if (boot.event !== 'listening') throw new Error(`peer0 did not start: ${JSON.stringify(boot)}`)
  for (let i = 1; i < o.nodes; i++) peers.push(new Peer(i, ['--bootnode', boot.enr]))
  const listening = await Promise.all(peers.map((p) =>
    p.waitFor((e) => e.event === 'listening' || e.event === 'error', 15_000, 'listening')))
  check(listening.every((e) => e.event === 'listening'), `${o.nodes} peers listening in ${since(t)} ms`)
  const info = listening.map((e) => ({ nodeId: e.nodeId, enr: e.enr, port: e.port }))
  for (const [i, n] of info.entries()) log(`     peer${i} ${short(n.nodeId)} udp ${n.port}`)
  check(new Set(info.map((n) => n.port)).size === o.nodes, 'distinct probed ports')

  // 2. PING each way between node 0 and every other node (the first one performs the handshake).
  t = performance.now()
  const toBoot = await Promise.all(peers.slice(1).map((p) => p.command({ cmd: 'ping', enr: info[0].enr })))
  const fromBoot = await Promise.all(info.slice(1).map((n) => peers[0].command({ cmd: 'ping', enr: n.enr })))
  const pongs = [...toBoot, ...fromBoot]
  check(pongs.every((e) => e.event === 'pong'), `${pongs.length} pings answered in ${since(t)} ms ` +
    `(first-contact ms: ${toBoot.map((e) => e.ms).join(', ')}; on an open session: ${fromBoot.map((e) => e.ms).join(', ')})`)
  check(toBoot.every((e, k) => e.ip === '127.0.0.1' && e.port === info[k + 1].port),
    'PONG carries the pinger\'s own address (recipient-ip/port)')

  // 3. FINDNODE [0] returns the responder's own record.
  const self = await peers[1].command({ cmd: 'findnode', enr: info[0].enr, distances: [0] })
  check(self.event === 'nodes' && self.enrs.length === 1 && self.enrs[0] === info[0].enr,
    `FINDNODE [0] from peer1 to peer0 returns peer0's record (${self.ms} ms)`)
  const odd = await Promise.all([[], [257]].map((distances) =>
    peers[1].command({ cmd: 'findnode', enr: info[0].enr, distances })))
  check(odd.every((e) => e.event === 'nodes' && e.enrs.length === 0), 'FINDNODE [] and [257] are answered with no records')

  // 4. TALKREQ: "echo" answers with the bytes reversed, any other protocol with nothing.
  const echo = await peers[1].command({ cmd: 'talk', enr: info[0].enr, protocol: 'echo', data: '0102030405' })
  check(echo.event === 'talk-resp' && echo.data === '0504030201', `TALKREQ echo answered reversed (${echo.ms} ms)`)
  const other = await peers[1].command({ cmd: 'talk', enr: info[0].enr, protocol: 'unknown', data: 'ff' })
  check(other.event === 'talk-resp' && other.data === '', 'TALKREQ to an unknown protocol answered empty')
  const req = await peers[0].waitFor((e) => e.event === 'talk-req' && e.protocol === 'echo', 5_000, 'talk-req')
  check(req.from === info[1].nodeId && req.data === '0102030405', 'talk-req event names the requester and the data')

  // 5. Lookups (a self lookup and a random one per node per round) until every table is complete.
  t = performance.now()
  const deadline = t + o.deadlineMs
  let rounds = 0
  let complete = false
  let tables = []
  const lookupMs = []
  while (!complete && performance.now() < deadline) {
    rounds++
    const results = await Promise.all(peers.flatMap((p) => [
      p.command({ cmd: 'lookup', target: 'self' }), p.command({ cmd: 'lookup', target: 'random' })]))
    for (const r of results) {
      if (r.event === 'lookup') lookupMs.push(r.ms)
      else log(`     lookup error: ${JSON.stringify(r)}`)
    }
    tables = await Promise.all(peers.map((p) => p.command({ cmd: 'table' })))
    complete = tables.every((tab, i) => info.every((n, j) => i === j || tab.nodeIds.includes(n.nodeId)))
  }
  log(`     table sizes: ${tables.map((tab) => tab.size).join(', ')} after ${rounds} round(s)`)
  check(complete, `every table holds all ${o.nodes - 1} other nodes within ${o.deadlineMs} ms ` +
    `(took ${since(t)} ms, ${rounds} round(s) of ${2 * o.nodes} lookups; lookup ms min/max ` +
    `${Math.min(...lookupMs)}/${Math.max(...lookupMs)})`)
  check(tables.every((tab, i) => !tab.nodeIds.includes(info[i].nodeId)), 'no table holds its own node')

  // 6. What a lookup returns, compared with brute force over the whole network (informational for
  // the Java side: printed, not judged, since js's result order is its own business).
  const target = info[0].nodeId.split('').reverse().join('')
  const res = await peers[o.nodes - 1].command({ cmd: 'lookup', target })
  if (res.event === 'lookup') {
    const others = info.map((n) => n.nodeId).filter((id) => id !== info[o.nodes - 1].nodeId)
    const closest = others.slice().sort((a, b) => (xor(a, target) < xor(b, target) ? -1 : 1)).slice(0, 16)
    const sorted = res.nodeIds.every((id, k) => k === 0 || xor(res.nodeIds[k - 1], target) <= xor(id, target))
    const sameSet = res.nodeIds.length === closest.length && closest.every((id) => res.nodeIds.includes(id))
    log(`     lookup of a fixed target from peer${o.nodes - 1}: ${res.nodeIds.length} ids in ${res.ms} ms; ` +
      `sorted by distance: ${sorted}; same set as the ${closest.length} closest by brute force: ${sameSet}`)
  }

  // 7. Event sanity: each node reported the others it met.
  const added = peers.map((p) => new Set(p.events.filter((e) => e.event === 'enr-added').map((e) => e.nodeId)).size)
  log(`     enr-added events per node: ${added.join(', ')}; discovered events per node: ` +
    peers.map((p) => p.events.filter((e) => e.event === 'discovered').length).join(', '))
  const errors = peers.flatMap((p) => p.events.filter((e) => e.event === 'error' && e.id === undefined))
  check(errors.length === 0, `no unsolicited error events${errors.length ? ': ' + JSON.stringify(errors.slice(0, 3)) : ''}`)
  exitCode = failed === 0 ? 0 : 1
} catch (err) {
  check(false, String(err?.stack ?? err))
  exitCode = 1
} finally {
  // 8. Stop every peer through its own handle.
  const t = performance.now()
  const stops = await Promise.all(peers.map((p) => p.stop()))
  const clean = stops.every((s) => s.how === 'stdin closed' && s.stopped && s.exit?.code === 0)
  check(clean, `${stops.length} peers stopped by closing their stdin in ${since(t)} ms ` +
    `(each: ${stops.map((s) => s.ms).join(', ')} ms${clean ? '' : '; ' + JSON.stringify(stops)})`)
  clearTimeout(watchdog)
  log(`discv5-selftest: ${o.nodes} nodes, total ${since(t0)} ms`)
  process.stdout.write(`${passed} passed, ${failed} failed\n`)
  process.exitCode = failed === 0 ? exitCode : 1
}
