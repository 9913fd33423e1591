/** The value of one sample of a Prometheus text exposition whose labels are exactly `labels`, or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`)
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const present = match[2] ? match[2].split(/,(?=\w+=")/) : []
    if (wanted.every((pair) => present.includes(pair)) && present.length === wanted.length) return Number(match[3])
  }
  return undefined
}
