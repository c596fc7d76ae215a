// One sentence on how benchmark figures were taken, from the "conditions" of their JSON lines (Java's
// bench Warmup and Machine, js's interop/js/machine.mjs): the warm-ups, and the CPU time the hypervisor
// gave to other guests during the measured parts, which a load average does not show.
//   conditionsLine(rows, { isJava, isJs, javaName, what }) -> string or null (no line has conditions)

const number = (x) => typeof x === 'number' && Number.isFinite(x)
const fmt = (x, digits) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function range (xs, digits, unit) {
  const v = xs.filter(number)
  if (v.length === 0) return 'n/a'
  const lo = Math.min(...v)
  const hi = Math.max(...v)
  return lo === hi ? `${fmt(lo, digits)}${unit}` : `${fmt(lo, digits)} to ${fmt(hi, digits)}${unit}`
}

function median (xs) {
  const s = xs.slice().sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function conditionsLine (rows, { isJava, isJs, javaName = "Java's", what = 'figure' }) {
  const withConditions = rows.filter((r) => r.conditions != null)
  if (withConditions.length === 0) return null
  const java = withConditions.filter(isJava)
  const js = withConditions.filter(isJs)
  const unsettled = java.filter((r) => r.conditions.warmup?.settled === 'no').length
  const parts = []
  if (java.length > 0) {
    parts.push(`${javaName} until a half-second round in which its JIT compilers used at most 5 % of the time, ` +
      `${range(java.map((r) => r.conditions.warmup?.rounds), 0, ' rounds')} ` +
      `(${range(java.map((r) => r.conditions.warmup?.seconds), 1, ' s')})` +
      (unsettled > 0 ? `, ${unsettled} of them stopped at the 30 s limit before the compilers were quiet` : ''))
  }
  if (js.length > 0) {
    parts.push(`js's ${range(js.map((r) => r.conditions.warmup?.rounds), 0, ' rounds')} of the same kind ` +
      `(${range(js.map((r) => r.conditions.warmup?.seconds), 1, ' s')})`)
  }
  let line = `Each ${what} follows an untimed warm-up: ${parts.join('; ')}.`
  const steal = withConditions.map((r) => r.conditions.stealPercent).filter(number)
  if (steal.length > 0) {
    const worst = Math.max(...steal)
    line += ' CPU time the hypervisor gave to other guests during the measured parts: median ' +
      `${fmt(median(steal), 1)} %, at most ${fmt(worst, 1)} %` +
      (worst > 5 ? ' (a figure taken with more than 5 % stolen is not from a quiet machine).' : '.')
  }
  return line
}
