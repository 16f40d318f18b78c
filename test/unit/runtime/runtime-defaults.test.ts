import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runtimeDefaults } from '../../../functions/runtime/index.ts'
import { settingNames } from '../../../functions/runtime/resolve-config.ts'

/** `@default <value>` of each documented field of an interface, by field name. */
function documentedDefaults(file: string): Map<string, string> {
  const source = readFileSync(
    new URL(`../../../functions/runtime/${file}`, import.meta.url),
    'utf8',
  )
  const found = new Map<string, string>()
  for (const [, value, field] of source.matchAll(/@default ([^*]+?)\s*\*\/\s*readonly (\w+)\?/g)) {
    found.set(field as string, value as string)
  }
  return found
}

/** The value a doc comment states: its first word, after `- ... else` when it has one. */
const stated = (doc: string) => (doc.match(/else (\S+)/)?.[1] ?? doc.split(' ')[0]) as string

describe('runtime defaults', () => {
  it('are the values the settings’ doc comments state', () => {
    const documented = documentedDefaults('resolve-config.ts')
    const settings = new Set<string>(settingNames)
    const defaults = Object.entries(runtimeDefaults).filter(([name]) => settings.has(name))
    expect(defaults.length).toBeGreaterThan(8)
    for (const [name, value] of defaults) {
      expect(documented.has(name), `RuntimeSettings.${name} has an @default`).toBe(true)
      expect(stated(documented.get(name) ?? ''), name).toBe(
        JSON.stringify(value).replaceAll('"', "'"),
      )
    }
  })

  it('include the store’s batching default', () => {
    const documented = documentedDefaults('idempotency-store.ts')
    expect(documented.get('batchWrites')).toBe(String(runtimeDefaults.batchIdempotencyWrites))
  })
})
