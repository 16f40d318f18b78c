import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { SOURCE_METADATA_KEY } from '../../contracts/function-source.ts'
import { createPipelineApp, OTLP_CONTEXT } from '../../lib/app.ts'
import { OrderPipelineStack } from '../../lib/order-pipeline-stack.ts'
import { TRACING_LAYER_MODULE } from '../../lib/tracing-layer.ts'
import { NO_BUNDLING, resourcesOf } from './support.ts'

/**
 * The functions' spans go to an OTLP collector on AWS when the stack is told where (its
 * `otlp` prop, or `-c otlpEndpoint`): every pipeline function gets the tracing SDK's layer
 * (its bundle holds the OpenTelemetry API only), the exporter's environment and the
 * collector's layer; without it, none does.
 */
const layer = 'arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-collector-arm64-ver-0-117-0:1'

const freshApp = () => new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false })

/** The pipeline's own functions (the ones run from source), by logical id. */
function pipelineFunctions(template: Template) {
  return Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter(
    (f) => f.Metadata?.[SOURCE_METADATA_KEY] !== undefined,
  ) as {
    Properties: { Environment?: { Variables?: Record<string, unknown> }; Layers?: unknown[] }
  }[]
}

describe('OTLP export on AWS', () => {
  it('gives every pipeline function the tracing SDK layer, the OTLP exporter and the collector layer (-c otlpEndpoint)', () => {
    const { stack } = createPipelineApp({
      context: {
        ...NO_BUNDLING,
        [OTLP_CONTEXT.endpoint]: 'http://localhost:4318',
        [OTLP_CONTEXT.layerArns]: layer,
      },
      builtinValidation: false,
    })
    const template = Template.fromStack(stack)
    const functions = pipelineFunctions(template)
    // Five consumers and the outbox publisher.
    expect(functions).toHaveLength(6)
    const sdkLayers = Object.entries(resourcesOf(template, 'AWS::Lambda::LayerVersion'))
    expect(sdkLayers).toHaveLength(1)
    const [[sdkLayer, sdk]] = sdkLayers as [[string, { Properties: Record<string, unknown> }]]
    expect(sdk.Properties).toMatchObject({
      CompatibleRuntimes: ['nodejs24.x'],
      CompatibleArchitectures: ['arm64'],
    })
    for (const fn of functions) {
      expect(fn.Properties.Environment?.Variables).toMatchObject({
        EVENT_PIPELINE_TRACING_SDK: TRACING_LAYER_MODULE,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318',
      })
      expect(fn.Properties.Layers).toEqual([{ Ref: sdkLayer }, layer])
    }
  })

  it('passes further environment (the collector configuration) to each function', () => {
    const stack = new OrderPipelineStack(freshApp(), 'Traced', {
      otlp: {
        endpoint: 'https://collector.example.com:4318',
        environment: { OPENTELEMETRY_COLLECTOR_CONFIG_URI: '/var/task/collector.yaml' },
      },
    })
    for (const fn of pipelineFunctions(Template.fromStack(stack))) {
      expect(fn.Properties.Environment?.Variables).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com:4318',
        OPENTELEMETRY_COLLECTOR_CONFIG_URI: '/var/task/collector.yaml',
      })
      // The tracing SDK's layer only: the collector is elsewhere.
      expect(fn.Properties.Layers).toHaveLength(1)
    }
  })

  it('exports nothing without it', () => {
    const { stack } = createPipelineApp({ context: NO_BUNDLING, builtinValidation: false })
    for (const fn of pipelineFunctions(Template.fromStack(stack))) {
      const variables = Object.keys(fn.Properties.Environment?.Variables ?? {})
      expect(variables.filter((name) => name.startsWith('OTEL_'))).toEqual([])
      expect(fn.Properties.Layers).toBeUndefined()
    }
  })

  it('refuses an endpoint that is not a URL, a layer that is not a layer version ARN, and the exporter set twice', () => {
    const stackWith = (otlp: ConstructorParameters<typeof OrderPipelineStack>[2]) => () =>
      new OrderPipelineStack(freshApp(), 'Bad', otlp)
    expect(stackWith({ otlp: { endpoint: 'localhost:4318' } })).toThrow(
      /otlp.endpoint must be an http:\/\/ or https:\/\/ URL.*got 'localhost:4318'/,
    )
    expect(
      stackWith({ otlp: { endpoint: 'http://localhost:4318', layerArns: ['aws-otel-collector'] } }),
    ).toThrow(/otlp.layerArns must be Lambda layer version ARNs.*got 'aws-otel-collector'/)
    expect(
      stackWith({
        otlp: { endpoint: 'http://localhost:4318', environment: { OTEL_TRACES_EXPORTER: 'none' } },
      }),
    ).toThrow(/otlp.environment must not set OTEL_TRACES_EXPORTER/)
    expect(() =>
      createPipelineApp({
        context: { ...NO_BUNDLING, [OTLP_CONTEXT.layerArns]: layer },
        builtinValidation: false,
      }),
    ).toThrow(/otlpLayerArns needs otlpEndpoint/)
  })
})
