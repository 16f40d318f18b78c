import { describe, expect, it } from 'vitest'
import { parseJsonStrictly } from '../../../functions/runtime/parse-json-strictly.ts'

describe('parseJsonStrictly', () => {
  it('parses JSON and leaves Object.prototype alone', () => {
    expect(parseJsonStrictly('{"a":[1,{"b":null}]}', 'body')).toEqual({ a: [1, { b: null }] })
  })

  it('names the path of a __proto__ key, even inside arrays', () => {
    expect(() => parseJsonStrictly('{"a":[{"__proto__":{"polluted":1}}]}', 'body')).toThrow(
      "body has a forbidden key at 'a.0.__proto__' (prototype pollution); it is refused",
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('says why malformed JSON is malformed', () => {
    expect(() => parseJsonStrictly('{"a":', 'record body')).toThrow(
      /^record body is not valid JSON: /,
    )
  })
})
