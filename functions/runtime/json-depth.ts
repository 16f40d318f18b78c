/**
 * True when JSON text nests objects and arrays deeper than `maxDepth`, found by one scan of
 * the text (brackets inside strings do not count), before anything parses it: a value
 * nested thousands deep parses, but every recursive walk of it afterwards (a logger,
 * JSON.stringify, the DynamoDB marshaller) overflows the stack.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === backslash) i++
      else if (c === quote) inString = false
    } else if (c === quote) {
      inString = true
    } else if (c === openBrace || c === openBracket) {
      if (++depth > maxDepth) return true
    } else if (c === closeBrace || c === closeBracket) {
      depth--
    }
  }
  return false
}

const quote = 0x22
const backslash = 0x5c
const openBrace = 0x7b
const closeBrace = 0x7d
const openBracket = 0x5b
const closeBracket = 0x5d
