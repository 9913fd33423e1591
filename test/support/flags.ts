/** An environment switch: set, and not "", "0" or "false". */
export function flagSet(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false'].includes(value.toLowerCase())
}
