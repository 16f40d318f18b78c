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

  it('finds a forbidden key spelled with \\u escapes, which JSON.parse decodes', () => {
    expect(() => parseJsonStrictly('{"\\u005f_proto__":{"polluted":1}}', 'body')).toThrow(
      "body has a forbidden key at '__proto__'",
    )
    expect(() => parseJsonStrictly('{"constructor":{"prot\\u006ftype":{}}}', 'body')).toThrow(
      "body has a forbidden key at 'constructor.prototype'",
    )
  })

  it('says why malformed JSON is malformed', () => {
    expect(() => parseJsonStrictly('{"a":', 'record body')).toThrow(
      /^record body is not valid JSON: /,
    )
  })
})
