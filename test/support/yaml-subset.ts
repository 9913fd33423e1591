/**
 * Just enough YAML for the compose file this repository ships: block maps, block lists (of scalars or
 * of maps), flow lists of scalars, quoted and plain scalars, comments. Scalars stay strings. Anything
 * else (anchors, block scalars, flow maps, tabs) throws, so a test never reads a file it misparsed.
 */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue }

interface Line {
  number: number
  indent: number
  text: string
}

export function parseYamlSubset(source: string): YamlValue {
  const lines: Line[] = []
  source.split('\n').forEach((raw, index) => {
    if (/^\s*\t/.test(raw)) throw new Error(`line ${index + 1}: tab indentation`)
    const text = stripComment(raw).trimEnd()
    if (text.trim() === '' || text.trim() === '---') return
    lines.push({ number: index + 1, indent: text.length - text.trimStart().length, text: text.trim() })
  })
  if (lines.length === 0) return null
  const [value, next] = parseBlock(lines, 0, lines[0].indent)
  if (next !== lines.length) throw new Error(`line ${lines[next].number}: unexpected indentation`)
  return value
}

function stripComment(line: string): string {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") {
      quote = c
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i)
    }
  }
  return line
}

/** Parses the block starting at lines[start] (indented by `indent`); answers it and the next line's index. */
function parseBlock(lines: Line[], start: number, indent: number): [YamlValue, number] {
  return lines[start].text === '-' || lines[start].text.startsWith('- ') ? parseList(lines, start, indent) : parseMap(lines, start, indent)
}

function parseMap(lines: Line[], start: number, indent: number, map: Record<string, YamlValue> = {}): [YamlValue, number] {
  let i = start
  while (i < lines.length && lines[i].indent === indent) {
    const line = lines[i]
    const match = /^("[^"]*"|'[^']*'|[^\s:"'][^:]*?):(?:\s+(.*))?$/.exec(line.text)
    if (!match) throw new Error(`line ${line.number}: expected "key: value", got "${line.text}"`)
    const key = unquote(match[1])
    if (key in map) throw new Error(`line ${line.number}: duplicate key "${key}"`)
    i++
    if (match[2] !== undefined) {
      map[key] = scalar(match[2], line.number)
    } else if (i < lines.length && lines[i].indent > indent) {
      ;[map[key], i] = parseBlock(lines, i, lines[i].indent)
    } else if (i < lines.length && lines[i].indent === indent && lines[i].text.startsWith('- ')) {
      ;[map[key], i] = parseList(lines, i, indent) // a list may sit at its key's own indentation
    } else {
      map[key] = null
    }
  }
  if (i < lines.length && lines[i].indent > indent) throw new Error(`line ${lines[i].number}: unexpected indentation`)
  return [map, i]
}

function parseList(lines: Line[], start: number, indent: number): [YamlValue, number] {
  const list: YamlValue[] = []
  let i = start
  while (i < lines.length && lines[i].indent === indent && (lines[i].text === '-' || lines[i].text.startsWith('- '))) {
    const line = lines[i]
    const rest = line.text.slice(1).trimStart()
    if (rest === '') {
      i++
      if (i < lines.length && lines[i].indent > indent) [list[list.length], i] = parseBlock(lines, i, lines[i].indent)
      else list.push(null)
    } else if (/^("[^"]*"|'[^']*'|[^\s:"'[][^:]*?):(\s|$)/.test(rest)) {
      // "- key: value": a map whose keys line up two columns (or more) right of the dash.
      const itemIndent = line.indent + (line.text.length - rest.length)
      const item = [{ ...line, indent: itemIndent, text: rest }, ...lines.slice(i + 1)]
      const [map, used] = parseMap(item, 0, itemIndent)
      list.push(map)
      i += used
    } else {
      list.push(scalar(rest, line.number))
      i++
    }
  }
  return [list, i]
}

function scalar(text: string, lineNumber: number): YamlValue {
  if (/^[&*!|>{]/.test(text)) throw new Error(`line ${lineNumber}: unsupported YAML "${text}"`)
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${lineNumber}: flow list must end on its line`)
    const inner = text.slice(1, -1).trim()
    if (inner === '') return []
    return [...inner.matchAll(/\s*("[^"]*"|'[^']*'|[^,]+?)\s*(?:,|$)/g)].map((m) => unquote(m[1]))
  }
  if (text === '~' || text === 'null') return null
  return unquote(text)
}

function unquote(text: string): string {
  if (text.length >= 2 && ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'")))) return text.slice(1, -1)
  return text
}
