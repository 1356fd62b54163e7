/**
 * A strict reader of the Prometheus text exposition format (0.0.4): used by the report to read
 * the backends' memory, and by tests to prove /metrics is valid. It throws on the first line
 * that Prometheus would reject, naming the line.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface MetricFamily {
  name: string
  type: MetricType
  help: string
  samples: Sample[]
}

export class ExpositionError extends Error {
  constructor (line: number, message: string) {
    super(`line ${line}: ${message}`)
    this.name = 'ExpositionError'
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
const SUFFIXES: Record<MetricType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count']
}

/**
 * A sample value as Prometheus reads it (Go's ParseFloat): NaN and Inf in any case, so
 * prom-client's `Nan` (an event-loop lag mean read before the first sample) is a number too.
 */
const SPECIAL_VALUES = new Map([['nan', NaN], ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity]])

export function parseValue (text: string): number {
  const special = SPECIAL_VALUES.get(text.toLowerCase())
  if (special !== undefined) return special
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new TypeError(`"${text}" is not a number`)
  return Number(text)
}

/** Parses `{a="x",b="y"}` starting at `from` (the `{`); returns the labels and the index after `}`. */
function parseLabels (line: string, from: number, lineNo: number): { labels: Record<string, string>, end: number } {
  const labels: Record<string, string> = {}
  let i = from + 1
  while (true) {
    while (line[i] === ' ') i++
    if (line[i] === '}') return { labels, end: i + 1 }
    const eq = line.indexOf('=', i)
    if (eq === -1) throw new ExpositionError(lineNo, 'label without "="')
    const name = line.slice(i, eq).trim()
    if (!LABEL_NAME.test(name)) throw new ExpositionError(lineNo, `bad label name "${name}"`)
    if (name in labels) throw new ExpositionError(lineNo, `label "${name}" repeated`)
    if (line[eq + 1] !== '"') throw new ExpositionError(lineNo, `label "${name}" value is not quoted`)
    let value = ''
    let j = eq + 2
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        const next = line[++j]
        if (next === 'n') value += '\n'
        else if (next === '\\' || next === '"') value += next
        else throw new ExpositionError(lineNo, `bad escape "\\${next}" in label "${name}"`)
      } else {
        value += line[j]
      }
    }
    if (j >= line.length) throw new ExpositionError(lineNo, `label "${name}" value is not closed`)
    labels[name] = value
    i = j + 1
    if (line[i] === ',') i++
    else if (line[i] !== '}') throw new ExpositionError(lineNo, 'expected "," or "}" after a label')
  }
}

function familyOf (families: Map<string, MetricFamily>, sample: string): MetricFamily | undefined {
  for (const suffix of ['_bucket', '_sum', '_count', '']) {
    if (!sample.endsWith(suffix)) continue
    const family = families.get(sample.slice(0, sample.length - suffix.length))
    if (family !== undefined && SUFFIXES[family.type].includes(suffix)) return family
  }
  return undefined
}

export function parseExposition (text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>()
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    const lineNo = index + 1
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line)
      if (match === null) return // a plain comment
      const [, keyword, name, rest = ''] = match
      if (!METRIC_NAME.test(name)) throw new ExpositionError(lineNo, `bad metric name "${name}"`)
      const family = families.get(name) ?? { name, type: 'untyped' as MetricType, help: '', samples: [] }
      if (keyword === 'HELP') family.help = rest
      else {
        if (!TYPES.has(rest as MetricType)) throw new ExpositionError(lineNo, `unknown type "${rest}"`)
        if (family.samples.length > 0) throw new ExpositionError(lineNo, `TYPE of ${name} after its samples`)
        family.type = rest as MetricType
      }
      families.set(name, family)
      return
    }
    const nameEnd = line.search(/[{ ]/)
    if (nameEnd <= 0) throw new ExpositionError(lineNo, 'sample without a value')
    const name = line.slice(0, nameEnd)
    if (!METRIC_NAME.test(name)) throw new ExpositionError(lineNo, `bad metric name "${name}"`)
    let labels: Record<string, string> = {}
    let rest = nameEnd
    if (line[nameEnd] === '{') ({ labels, end: rest } = parseLabels(line, nameEnd, lineNo))
    const fields = line.slice(rest).trim().split(/\s+/)
    if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new ExpositionError(lineNo, 'expected "value [timestamp]"')
    let value: number
    try { value = parseValue(fields[0]) } catch (err) { throw new ExpositionError(lineNo, (err as Error).message) }
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new ExpositionError(lineNo, `bad timestamp "${fields[1]}"`)
    const family = familyOf(families, name)
    if (family === undefined) {
      families.set(name, { name, type: 'untyped', help: '', samples: [{ name, labels, value }] })
      return
    }
    if (family.type === 'histogram' && name.endsWith('_bucket') && labels.le === undefined) {
      throw new ExpositionError(lineNo, `${name} without an "le" label`)
    }
    family.samples.push({ name, labels, value })
  })
  for (const family of families.values()) checkHistogram(family)
  return families
}

/** Each histogram series has cumulative buckets ending at +Inf that equal its _count. */
function checkHistogram (family: MetricFamily): void {
  if (family.type !== 'histogram') return
  const series = new Map<string, { last: number, inf?: number, count?: number }>()
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels
    const key = JSON.stringify(rest)
    const entry = series.get(key) ?? { last: 0 }
    series.set(key, entry)
    if (sample.name.endsWith('_bucket')) {
      if (sample.value < entry.last) throw new ExpositionError(0, `${family.name} buckets are not cumulative`)
      entry.last = sample.value
      if (le === '+Inf') entry.inf = sample.value
    } else if (sample.name.endsWith('_count')) {
      entry.count = sample.value
    }
  }
  for (const [key, entry] of series) {
    if (entry.inf === undefined) throw new ExpositionError(0, `${family.name}${key} has no +Inf bucket`)
    if (entry.count !== undefined && entry.count !== entry.inf) throw new ExpositionError(0, `${family.name}${key} _count differs from its +Inf bucket`)
  }
}
