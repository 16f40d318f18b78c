import path from 'node:path'
import { AssetHashType, Stack } from 'aws-cdk-lib'
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda'
import type { Construct } from 'constructs'
import { buildSync } from 'esbuild'
import { DEPLOYED_BUNDLE, PROJECT_ROOT } from './pipeline-function.ts'

/**
 * Where a function finds the tracing SDK module of {@link tracingLayer}: Lambda extracts a
 * layer's files under /opt. The functions' TRACING_ENVIRONMENT.sdkModule names it.
 */
export const TRACING_LAYER_MODULE = '/opt/event-pipeline/tracing-sdk.mjs'

/** The module the layer holds, bundled: the OpenTelemetry SDK side of functions/tracing. */
const sdkEntry = 'functions/tracing/tracer-provider.ts'

/**
 * The stack's one tracing layer: the OpenTelemetry SDK (tracer provider, batch span
 * processor, OTLP/HTTP exporter, W3C propagation, async context) as one ESM file, bundled at
 * synth by the local esbuild like the functions. The functions' bundles hold the
 * OpenTelemetry API only and load this file when tracing is on, as ADOT's Lambda layer
 * brings the SDK to a function: a stack that does not trace ships no SDK at all.
 */
export function tracingLayer(scope: Construct): LayerVersion {
  const stack = Stack.of(scope)
  const id = 'TracingSdkLayer'
  const existing = stack.node.tryFindChild(id)
  if (existing) return existing as LayerVersion
  return new LayerVersion(stack, id, {
    description: 'event-pipeline: the OpenTelemetry SDK its functions load when tracing is on',
    compatibleRuntimes: [Runtime.NODEJS_24_X],
    compatibleArchitectures: [Architecture.ARM_64],
    code: Code.fromAsset(path.join(PROJECT_ROOT, 'functions', 'tracing'), {
      // The bundle holds packages too: its own bytes are what identifies it.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        image: Runtime.NODEJS_24_X.bundlingImage,
        local: {
          tryBundle(outputDir) {
            buildSync({
              ...DEPLOYED_BUNDLE,
              entryPoints: [path.join(PROJECT_ROOT, sdkEntry)],
              outfile: path.join(outputDir, path.relative('/opt', TRACING_LAYER_MODULE)),
              absWorkingDir: PROJECT_ROOT,
              logLevel: 'warning',
            })
            return true
          },
        },
      },
    }),
  })
}
