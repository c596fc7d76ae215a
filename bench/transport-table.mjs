// Reads the JSON lines of bench/run-transport-bench (Java's TransportBench and CipherLimitBench, js's
// interop/js/bench.mjs, and the script's own "env" and "failed" lines) and prints one Markdown block:
// when and under what load it ran, the command, and one table with Java, js and Java / js per case,
// the median over runs.
//
//   node bench/transport-table.mjs results.jsonl [--out FILE] [--doc FILE]
//
// --out FILE writes the block to FILE as well; --doc FILE replaces what stands between the lines
// <!-- transport-table:begin --> and <!-- transport-table:end --> in FILE (docs/benchmarks.md) with it.
import { readFileSync, writeFileSync } from 'node:fs'
import { conditionsLine } from './conditions.mjs'

const BEGIN = '<!-- transport-table:begin -->'
const END = '<!-- transport-table:end -->'

function parseArgs (argv) {
  const o = { input: null, out: null, doc: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--out' || a === '--doc') {
      const v = argv[++i]
      if (v == null) throw new Error(`${a} needs a file`)
      o[a.slice(2)] = v
    } else if (o.input == null) o.input = a
    else throw new Error(`unexpected argument ${a}`)
  }
  if (o.input == null) throw new Error('usage: node bench/transport-table.mjs results.jsonl [--out FILE] [--doc FILE]')
  return o
}

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x))
  if (v.length === 0) return null
  const s = v.slice().sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (x, digits) => x == null
  ? 'n/a'
  : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const ratio = (a, b) => (a == null || b == null || b === 0) ? 'n/a' : (a / b).toFixed(2)

// The cases in the order the table lists them; anything else measured comes after them.
const KNOWN = [
  ['tcp+noise+yamux', 'ed25519', 'TCP + Noise + yamux'],
  ['tcp+tls+yamux', 'ed25519', 'TCP + TLS + yamux'],
  ['quic', 'ed25519', 'QUIC v1'],
  ['tcp+noise+mplex', 'ed25519', 'TCP + Noise + mplex'],
  ['tcp+noise+yamux', 'secp256k1', 'TCP + Noise + yamux, secp256k1 keys']
]

function caseName (transport, keyType) {
  const known = KNOWN.find(([t, k]) => t === transport && k === keyType)
  if (known != null) return known[2]
  const spelled = transport.split('+').map((p) => p === 'tcp' || p === 'tls' ? p.toUpperCase() : p === 'noise' ? 'Noise' : p)
  return `${spelled.join(' + ')}${keyType === 'ed25519' ? '' : `, ${keyType} keys`}`
}

function table (text) {
  const rows = text.split('\n').filter((l) => l.startsWith('{'))
    .map((l) => { try { return JSON.parse(l) } catch { return null } }).filter(Boolean)

  const cases = new Map()
  const ceiling = []
  const failures = []
  const envs = []
  let ceilingFailed = false
  const caseOf = (r) => {
    const key = `${r.transport}|${r.keyType}`
    if (!cases.has(key)) cases.set(key, { transport: r.transport, keyType: r.keyType, java: [], js: [], failed: {} })
    return cases.get(key)
  }
  for (const r of rows) {
    if (r.bench === 'env') { envs.push(r); continue }
    if (r.bench === 'cipher-limit') { ceiling.push(r.mibPerSec); continue }
    if (r.bench === 'failed') {
      failures.push(r)
      if (r.transport === 'cipher-limit') ceilingFailed = true
      else caseOf(r).failed[r.impl] = true
      continue
    }
    if (r.bench === 'java-java') caseOf(r).java.push(r)
    if (r.bench === 'js-js') caseOf(r).js.push(r)
  }
  const rank = (c) => {
    const i = KNOWN.findIndex(([t, k]) => t === c.transport && k === c.keyType)
    return i < 0 ? KNOWN.length : i
  }
  const sorted = [...cases.values()].sort((a, b) => rank(a) - rank(b))

  const out = []
  const start = envs.find((e) => e.at === 'start')
  const end = envs.find((e) => e.at === 'end')
  if (start != null) {
    const load = (e) => e?.loadavg ?? 'n/a'
    out.push(`Measured ${start.date} on ${start.cores} cores (${start.java}; Node.js ${start.node}), ` +
      `load average (1, 5, 15 min) ${load(start)} at the start and ${load(end)} at the end` +
      `${Number(start.niceness) > 0 ? `, the benchmarks at niceness ${start.niceness}` : ''}, with:`)
    out.push('')
    out.push('```sh')
    out.push(start.command)
    out.push('```')
    out.push('')
    // Only the load before the first step says whether other work shared the machine: the load at the
    // end counts the benchmark's own processes (two busy ones most of the time on a 2-core machine).
    const before = Number.parseFloat(start.loadavg ?? '')
    if (end != null) {
      out.push('The load at the end counts the benchmarks themselves (two busy processes most of the time).')
      out.push('')
    }
    if (Number.isFinite(before) && before > Number(start.cores)) {
      out.push(`The machine was loaded: its 1-minute load average (${before}) was above its ${start.cores} cores ` +
        'before the first step, ' +
        'as other work shared it, so these figures are noisy (the load hits Java and js unequally, so even the ' +
        'ratios move); take them as a check that every case runs, not as a measurement to quote.')
      out.push('')
    }
  }
  out.push('| case | Java MiB/s | js MiB/s | Java / js | Java handshakes/s | js handshakes/s | Java / js |')
  out.push('|---|---|---|---|---|---|---|')
  for (const c of sorted) {
    // A side with no figure says whether it failed (the reason is listed below) or was not run.
    const cell = (x, impl, digits) => x == null && c.failed[impl] ? 'failed' : fmt(x, digits)
    const jb = median(c.java.map((r) => r.throughput?.mibPerSec))
    const sb = median(c.js.map((r) => r.throughput?.mibPerSec))
    const jh = median(c.java.map((r) => r.handshakes?.perSec))
    const sh = median(c.js.map((r) => r.handshakes?.perSec))
    out.push(`| ${caseName(c.transport, c.keyType)} | ${cell(jb, 'java', 1)} | ${cell(sb, 'js', 1)} | ${ratio(jb, sb)} | ` +
      `${cell(jh, 'java', 0)} | ${cell(sh, 'js', 0)} | ${ratio(jh, sh)} |`)
  }
  if (ceiling.length > 0 || ceilingFailed) {
    const v = ceiling.length > 0 ? fmt(median(ceiling), 1) : 'failed'
    out.push(`| ceiling: loopback TCP + ChaCha20-Poly1305 frames, no protocol | ${v} | | | | | |`)
  }
  const any = rows.find((r) => r.bench === 'java-java' || r.bench === 'js-js')
  const runs = Math.max(0, ...sorted.map((c) => Math.max(c.java.length, c.js.length)))
  out.push('')
  if (any != null) {
    const mib = (any.throughput?.bytes ?? 0) / 1048576
    out.push(`${fmt(mib, 0)} MiB through one stream and ${any.handshakes?.count ?? 'n/a'} sequential handshakes per case; ` +
      `median of ${runs} run(s) per cell.`)
  }
  const conditions = conditionsLine(rows, {
    isJava: (r) => r.bench === 'java-java' || r.bench === 'cipher-limit',
    isJs: (r) => r.bench === 'js-js',
    javaName: "Java's (the ceiling's too)",
    what: 'throughput figure'
  })
  if (conditions != null) out.push(conditions)
  for (const f of failures) {
    const what = f.transport === 'cipher-limit' ? 'ceiling' : caseName(f.transport, f.keyType)
    out.push(`Failed: ${f.impl === 'java' ? 'Java' : 'js'}, ${what}: ${f.why}.`)
  }
  return out.join('\n') + '\n'
}

function splice (doc, block) {
  const b = doc.indexOf(BEGIN)
  const e = doc.indexOf(END)
  if (b < 0 || e < b) throw new Error(`the document has no ${BEGIN} ... ${END} block`)
  return doc.slice(0, b + BEGIN.length) + '\n' + block + doc.slice(e)
}

try {
  const o = parseArgs(process.argv.slice(2))
  const block = table(readFileSync(o.input, 'utf8'))
  process.stdout.write(block)
  if (o.out != null) writeFileSync(o.out, block)
  if (o.doc != null) writeFileSync(o.doc, splice(readFileSync(o.doc, 'utf8'), block))
} catch (err) {
  process.stderr.write(`transport-table.mjs: ${err?.message ?? err}\n`)
  process.exitCode = 1
}
