// Reads the JSON lines of bench/run-pubsub-bench (Java's PubSubBench and MeshLatencyBench, js's
// pubsub-bench.mjs) and prints one Markdown table: Java, js and Java / js per case, the median over runs.
//   node bench/pubsub-table.mjs results.jsonl
import { readFileSync, writeFileSync } from 'node:fs'
import { conditionsLine } from './conditions.mjs'

// --doc FILE also replaces what stands between <!-- pubsub-table:begin --> and <!-- pubsub-table:end -->
// in FILE (docs/benchmarks.md) with the printed block.
const args = process.argv.slice(2)
const docAt = args.indexOf('--doc')
const docFile = docAt >= 0 ? args[docAt + 1] : null
if (docAt >= 0 && docFile == null) throw new Error('--doc needs a file')
const input = args.find((a, i) => a !== '--doc' && (docAt < 0 || i !== docAt + 1))
if (input == null) throw new Error('usage: node bench/pubsub-table.mjs results.jsonl [--doc FILE]')
const lines = readFileSync(input, 'utf8').split('\n').filter((l) => l.startsWith('{'))
const rows = lines.map((l) => { try { return JSON.parse(l) } catch { return null } }).filter(Boolean)

const median = (xs) => {
  if (xs.length === 0) return null
  const s = xs.slice().sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (x, digits = 0) => x == null
  ? 'n/a'
  : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const ratio = (a, b) => (a == null || b == null || b === 0) ? 'n/a' : (a / b >= 0.1 ? (a / b).toFixed(2) : (a / b).toPrecision(2))
const signName = (s) => s === 'strict' ? 'StrictSign' : 'StrictNoSign'
const sizeName = (n) => n >= 1024 ? `${n / 1024} KiB` : `${n} B`

// Throughput cases, keyed by muxer / key type / signing / size.
const cases = new Map()
const errors = []
for (const r of rows) {
  if (r.bench !== 'pubsub-throughput') continue
  if (r.error != null) { errors.push(`${r.impl ?? 'js'} ${r.muxer ?? ''} ${r.sign ?? ''} ${r.size ?? ''}: ${r.error}`); continue }
  const key = [r.muxer, r.keyType, r.sign, r.size].join('|')
  if (!cases.has(key)) cases.set(key, { muxer: r.muxer, keyType: r.keyType, sign: r.sign, size: r.size, java: [], js: [], jsIncomplete: 0 })
  const c = cases.get(key)
  if (r.impl === 'java') c.java.push(r)
  else {
    c.js.push(r)
    if (r.complete === false) c.jsIncomplete++
  }
}

const order = (c) => [c.keyType !== 'ed25519', c.size, c.sign === 'strict', c.muxer !== 'yamux']
const sorted = [...cases.values()].sort((a, b) => {
  const x = order(a); const y = order(b)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1
  return 0
})

const out = []
out.push('| case | Java msg/s | js msg/s | Java / js | Java MiB/s | js MiB/s |')
out.push('|---|---|---|---|---|---|')
for (const c of sorted) {
  const jm = median(c.java.map((r) => r.msgPerSec))
  const sm = median(c.js.map((r) => r.msgPerSec))
  const jb = median(c.java.map((r) => r.mibPerSec))
  const sb = median(c.js.map((r) => r.mibPerSec))
  const keyNote = c.keyType === 'ed25519' ? '' : `, ${c.keyType} keys`
  const note = c.jsIncomplete > 0 ? ` (js lost messages in ${c.jsIncomplete} run(s))` : ''
  out.push(`| ${sizeName(c.size)}, ${signName(c.sign)}, ${c.muxer}${keyNote}${note} | ${fmt(jm)} | ${fmt(sm)} | ${ratio(jm, sm)} | ${fmt(jb, 1)} | ${fmt(sb, 1)} |`)
}

const mesh = { java: [], js: [] }
for (const r of rows) {
  if (r.bench !== 'pubsub-mesh-latency') continue
  if (r.error != null) { errors.push(`${r.impl ?? 'js'} mesh: ${r.error}`); continue }
  mesh[r.impl === 'java' ? 'java' : 'js'].push(r)
}
if (mesh.java.length + mesh.js.length > 0) {
  const any = mesh.java[0] ?? mesh.js[0]
  out.push('')
  out.push(`Mesh: ${any.nodes} nodes, ${any.messages} messages of ${any.size} bytes from one publisher at ${any.ratePerSec}/s, ` +
    `StrictNoSign, ${any.muxer}; publish-to-delivery latency over every (message, receiver) pair (lower is better).`)
  out.push('')
  out.push('| mesh latency | Java ms | js ms | Java / js |')
  out.push('|---|---|---|---|')
  for (const [name, field] of [['p50', 'p50Ms'], ['p99', 'p99Ms'], ['max', 'maxMs']]) {
    const j = median(mesh.java.map((r) => r[field]))
    const s = median(mesh.js.map((r) => r[field]))
    out.push(`| ${name} | ${fmt(j, 2)} | ${fmt(s, 2)} | ${ratio(j, s)} |`)
  }
  const deliveredNote = (rs) => rs.map((r) => `${r.delivered}/${r.expected}`).join(', ')
  out.push('')
  out.push(`Delivered (per run): Java ${deliveredNote(mesh.java) || 'n/a'}; js ${deliveredNote(mesh.js) || 'n/a'}.`)
  const meshConditions = conditionsLine([...mesh.java, ...mesh.js], {
    isJava: (r) => r.impl === 'java',
    isJs: (r) => r.impl !== 'java',
    what: 'mesh run (after its --mesh-warmup messages)'
  })
  if (meshConditions != null) out.push(meshConditions)
  const compiling = mesh.java.map((r) => r.conditions?.compileSeconds).filter((x) => typeof x === 'number')
  if (compiling.length > 0) {
    out.push(`Java's JIT compilers used ${compiling.map((x) => fmt(x, 2)).join(', ')} s of CPU during the timed ` +
      'messages (per run).')
  }
}
const runs = Math.max(0, ...[...cases.values()].map((c) => Math.max(c.java.length, c.js.length)))
out.push('')
out.push(`Median of ${runs} run(s) per cell.`)
const conditions = conditionsLine(rows.filter((r) => r.bench === 'pubsub-throughput'), {
  isJava: (r) => r.impl === 'java',
  isJs: (r) => r.impl === 'js',
  what: 'throughput case'
})
if (conditions != null) out.push(conditions)
for (const e of errors) out.push(`error: ${e}`)
const block = out.join('\n') + '\n'
process.stdout.write(block)
if (docFile != null) {
  const BEGIN = '<!-- pubsub-table:begin -->'
  const END = '<!-- pubsub-table:end -->'
  const doc = readFileSync(docFile, 'utf8')
  const b = doc.indexOf(BEGIN)
  const e = doc.indexOf(END)
  if (b < 0 || e < b) throw new Error(`${docFile} has no ${BEGIN} ... ${END} block`)
  writeFileSync(docFile, doc.slice(0, b + BEGIN.length) + '\n' + block + doc.slice(e))
}
