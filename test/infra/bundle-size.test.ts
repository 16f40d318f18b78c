import { buildSync } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { CONSUMERS } from '../../contracts/consumers.ts'
import { OUTBOX_PUBLISHER_ENTRY } from '../../lib/event-store.ts'
import { DEPLOYED_BUNDLE, PROJECT_ROOT } from '../../lib/pipeline-function.ts'

/**
 * Each function as `cdk deploy` bundles it (DEPLOYED_BUNDLE, the options NodejsFunction
 * gets), measured: every consumer under 150 KB minified (issue 15), with the OpenTelemetry
 * API and no SDK in it (the SDK is the tracing layer's, loaded when tracing is on), and the
 * AWS SDK left to the Lambda runtime.
 */
const budgetBytes = 150 * 1024

function bundle(entry: string) {
  const result = buildSync({
    ...DEPLOYED_BUNDLE,
    sourcemap: false,
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
  })
  const [output] = Object.values(result.metafile.outputs)
  const packages = new Set(
    Object.keys(output!.inputs).flatMap((input) => {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input)?.[1]
      return name ? [name] : []
    }),
  )
  return { bytes: output!.bytes, packages, imports: output!.imports.map((i) => i.path) }
}

const entries = [
  ...Object.values(CONSUMERS).map((consumer) => [consumer.name, consumer.entry] as const),
  ['outbox-publisher', OUTBOX_PUBLISHER_ENTRY] as const,
]

describe('deployed function bundles', () => {
  it.each(entries)('%s: under 150 KB minified, the tracing API without its SDK', (name, entry) => {
    const { bytes, packages, imports } = bundle(entry)
    expect(bytes, `${name}: ${(bytes / 1024).toFixed(1)} KB`).toBeLessThan(budgetBytes)
    expect(packages).toContain('@opentelemetry/api')
    for (const sdk of [
      '@opentelemetry/sdk-trace',
      '@opentelemetry/core',
      '@opentelemetry/resources',
      '@opentelemetry/exporter-trace-otlp-http',
    ]) {
      expect(packages, `${name} bundles ${sdk}`).not.toContain(sdk)
    }
    expect([...packages].filter((p) => p.startsWith('@aws-sdk/'))).toEqual([])
    expect(imports.some((path) => path.startsWith('@aws-sdk/'))).toBe(true)
  })

  it('the tracing layer’s module holds the SDK and the OTLP exporter', () => {
    const { packages } = bundle('functions/tracing/tracer-provider.ts')
    expect(packages).toContain('@opentelemetry/sdk-trace')
    expect(packages).toContain('@opentelemetry/exporter-trace-otlp-http')
  })
})
