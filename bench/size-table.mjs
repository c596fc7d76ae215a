// Reads the JSON lines of bench/run-size-sweep (Java's PubSubBench and js's pubsub-bench.mjs --sizes,
// plus the script's own "env" line) and writes the sweep's CSV and, with --doc, one Markdown block:
// when and under what load it ran, the command, and one row per size with Java and js side by side.
//
//   node bench/size-table.mjs size-sweep.jsonl --csv FILE [--doc FILE] [--command "..."]
//
// --doc FILE replaces what stands between the lines <!-- size-table:begin --> and
// <!-- size-table:end --> in FILE (docs/benchmarks.md) with the block.
import { readFileSync, writeFileSync } from 'node:fs'

const BEGIN = '<!-- size-table:begin -->'
const END = '<!-- size-table:end -->'

const o = { input: null, csv: null, doc: null, command: null }
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]
  if (a === '--csv' || a === '--doc' || a === '--command') {
    const v = argv[++i]
    if (v == null) throw new Error(`${a} needs a value`)
    o[a.slice(2)] = v
  } else if (o.input == null) o.input = a
  else throw new Error(`unexpected argument ${a}`)
}
if (o.input == null || o.csv == null) {
  throw new Error('usage: node bench/size-table.mjs size-sweep.jsonl --csv FILE [--doc FILE] [--command "..."]')
}

const lines = readFileSync(o.input, 'utf8').split('\n').filter((l) => l.startsWith('{'))
  .map((l) => { try { return JSON.parse(l) } catch { return null } }).filter(Boolean)
const env = lines.find((r) => r.bench === 'env')
const rows = new Map()
for (const r of lines) {
  if (r.bench !== 'pubsub-throughput' || r.error) continue
  const row = rows.get(r.size) ?? {}
  row[r.impl === 'java' ? 'java' : 'js'] = r
  rows.set(r.size, row)
}
const sizes = [...rows.keys()].sort((a, b) => a - b)

const f = (r, k) => (r ? String(r[k]) : '')
const csv = ['size,java_msg_s,java_mib_s,js_msg_s,js_mib_s,java_alloc_bytes_per_msg']
for (const size of sizes) {
  const { java, js } = rows.get(size)
  csv.push([size, f(java, 'msgPerSec'), f(java, 'mibPerSec'), f(js, 'msgPerSec'), f(js, 'mibPerSec'),
    f(java, 'allocBytesPerMsg')].join(','))
}
writeFileSync(o.csv, csv.join('\n') + '\n')
process.stdout.write(csv.join('\n') + '\n')

if (o.doc != null) {
  const num = (x, d = 0) => x == null
    ? 'n/a'
    : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
  const sizeName = (s) => s >= 1 << 20 ? `${s / (1 << 20)} MiB` : s >= 1024 ? `${s / 1024} KiB` : `${s} B`
  const heap = (b) => b == null || b < 0
    ? 'n/a'
    : b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} KB`
  const out = []
  if (env != null) {
    out.push(`Measured ${env.date} on ${env.cores} cores (${env.java}; Node.js ${env.node}), load average ` +
      `(1, 5, 15 min) ${env.loadStart} at the start and ${env.loadEnd} at the end, with:`)
    out.push('')
  }
  out.push('```sh', o.command ?? 'bench/run-size-sweep --doc docs/benchmarks.md', '```', '')
  out.push('| size | Java msg/s | Java MiB/s | js msg/s | js MiB/s | Java / js | Java heap per message |')
  out.push('|---|---|---|---|---|---|---|')
  for (const size of sizes) {
    const { java, js } = rows.get(size)
    const ratio = java && js && js.msgPerSec > 0 ? (java.msgPerSec / js.msgPerSec).toFixed(2) : 'n/a'
    out.push(`| ${sizeName(size)} | ${num(java?.msgPerSec)} | ${num(java?.mibPerSec, 1)} | ` +
      `${num(js?.msgPerSec)} | ${num(js?.mibPerSec, 1)} | ${ratio} | ${heap(java?.allocBytesPerMsg)} |`)
  }
  out.push('', 'One run per size; heap per message is every byte the Java JVM (both hosts) allocated, ' +
    'divided by the messages.')
  const doc = readFileSync(o.doc, 'utf8')
  const b = doc.indexOf(BEGIN)
  const e = doc.indexOf(END)
  if (b < 0 || e < b) throw new Error(`${o.doc} has no ${BEGIN} ... ${END} block`)
  writeFileSync(o.doc, doc.slice(0, b + BEGIN.length) + '\n' + out.join('\n') + '\n' + doc.slice(e))
  console.error(`table written into ${o.doc}`)
}
