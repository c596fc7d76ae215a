// What the machine did during a measurement, for the benchmarks' "conditions": the CPU time the
// hypervisor gave to other guests ("steal", from the first line of /proc/stat), which a load average
// does not show. The warm-up constants are those of Java's bench Warmup (its minimum rounds).
import { readFileSync } from 'node:fs'

export const WARMUP_ROUNDS = 3
export const WARMUP_ROUND_MS = 500

// The machine's CPU time by kind (user nice system idle iowait irq softirq steal), or null without /proc.
export function cpuTicks () {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu '))
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number)
    return f.length === 8 && f.every(Number.isFinite) ? f : null
  } catch {
    return null
  }
}

// Percent of the machine's CPU time stolen between two cpuTicks() readings (one decimal), or null.
export function stealPercent (a, b) {
  if (a == null || b == null) return null
  const total = b.reduce((sum, x, i) => sum + x - a[i], 0)
  return total > 0 ? Math.round(1000 * (b[7] - a[7]) / total) / 10 : null
}
