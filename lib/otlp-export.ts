import { Token } from 'aws-cdk-lib'
import { LayerVersion } from 'aws-cdk-lib/aws-lambda'
import type { Construct } from 'constructs'
import { TRACING_ENVIRONMENT } from '../contracts/trace-context.ts'
import { PipelineFunction } from './pipeline-function.ts'
import { TRACING_LAYER_MODULE, tracingLayer } from './tracing-layer.ts'
import { validateProps } from './validation.ts'

/**
 * Where the pipeline's functions send their OpenTelemetry spans on AWS. The functions' code
 * does not change: it loads the tracing SDK from the stack's tracing layer and exports over
 * OTLP/HTTP when its environment names an endpoint (contracts/trace-context.ts,
 * TRACING_ENVIRONMENT), as the OpenTelemetry specification's variables say.
 */
export interface OtlpExportProps {
  /**
   * The OTLP/HTTP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`; the exporter appends
   * `/v1/traces`). With a collector Lambda layer (ADOT's, or OpenTelemetry's), its receiver
   * in the function's environment: `http://localhost:4318`; the collector's configuration
   * then says where spans go (X-Ray and CloudWatch Application Signals by default with ADOT).
   */
  readonly endpoint: string
  /**
   * Lambda layers every function gets: the collector layer's version ARN, for the stack's
   * region and for arm64 (the functions' architecture).
   * https://aws-otel.github.io/docs/getting-started/lambda
   * @default - none: the endpoint is a collector outside the functions
   */
  readonly layerArns?: readonly string[]
  /**
   * Further environment for the exporter or the collector, e.g.
   * `OPENTELEMETRY_COLLECTOR_CONFIG_URI` (the collector's own configuration) or
   * `OTEL_EXPORTER_OTLP_HEADERS`. It is plain function configuration in the template: keep
   * secrets out of it (a collector configuration can read them from Secrets Manager).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>
}

const layerArnPattern = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/

/**
 * Gives every {@link PipelineFunction} under `scope` the environment and layers that make
 * its spans go to an OTLP collector: the tracing SDK's layer (lib/tracing-layer.ts) and the
 * variable naming its module, `OTEL_TRACES_EXPORTER=otlp`, the endpoint, what
 * `props.environment` adds, and the layers of `props.layerArns`. Call it once every
 * function exists.
 */
export function exportTracesOverOtlp(scope: Construct, props: OtlpExportProps): void {
  const { endpoint, layerArns = [], environment = {} } = props
  validateProps(scope, [
    {
      failed: !Token.isUnresolved(endpoint) && !/^https?:\/\/[^/\s]+/.test(endpoint),
      message: `otlp.endpoint must be an http:// or https:// URL, an OTLP/HTTP collector (got '${endpoint}')`,
    },
    ...layerArns.map((arn) => ({
      failed: !Token.isUnresolved(arn) && !layerArnPattern.test(arn),
      message: `otlp.layerArns must be Lambda layer version ARNs, arn:aws:lambda:<region>:<account>:layer:<name>:<version> (got '${arn}')`,
    })),
    {
      failed:
        Object.hasOwn(environment, TRACING_ENVIRONMENT.exporter) ||
        Object.hasOwn(environment, TRACING_ENVIRONMENT.otlpEndpoint) ||
        Object.hasOwn(environment, TRACING_ENVIRONMENT.sdkModule),
      message: `otlp.environment must not set ${TRACING_ENVIRONMENT.exporter}, ${TRACING_ENVIRONMENT.otlpEndpoint} or ${TRACING_ENVIRONMENT.sdkModule}: they come from otlp.endpoint and the tracing layer`,
    },
  ])
  const functions = scope.node
    .findAll()
    .filter((c): c is PipelineFunction => c instanceof PipelineFunction)
  if (functions.length === 0) return
  const sdk = tracingLayer(scope)
  for (const fn of functions) {
    fn.function.addLayers(sdk)
    fn.addEnvironment(TRACING_ENVIRONMENT.sdkModule, TRACING_LAYER_MODULE)
    fn.addEnvironment(TRACING_ENVIRONMENT.exporter, 'otlp')
    fn.addEnvironment(TRACING_ENVIRONMENT.otlpEndpoint, endpoint)
    for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value)
    layerArns.forEach((arn, i) => {
      fn.function.addLayers(LayerVersion.fromLayerVersionArn(fn, `OtlpLayer${i}`, arn))
    })
  }
}
