import path from 'node:path'
import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib'
import { type IGrantable, type IPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import {
  Architecture,
  type CfnFunction,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda'
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import type { BuildOptions } from 'esbuild'
import { AWS_LIMITS } from '../contracts/aws-limits.ts'
import { type FunctionSourceMetadata, SOURCE_METADATA_KEY } from '../contracts/function-source.ts'
import { isBelow, outOfRange, validateProps } from './validation.ts'

/** The repository root: entries are resolved against it and the lock file lives there. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..')

/**
 * How a deployed function is bundled, as esbuild options (NodejsFunction runs the local
 * esbuild with them; the tracing layer and test/infra/bundle-size.test.ts use them too):
 * minified ESM for node24, the AWS SDK left external (the Lambda runtime provides it), a
 * source map that maps stack traces to file and line without the sources inside it (75% of
 * a zip was sources), and a `require` for CommonJS dependencies inside the ESM bundle.
 */
export const DEPLOYED_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: ['@aws-sdk/*'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
} as const satisfies BuildOptions

/** A pipeline function's timeout when its props name none; Consumer sizes its queue's visibility from it. */
export const DEFAULT_FUNCTION_TIMEOUT = Duration.seconds(30)

/** Props of a {@link PipelineFunction}. */
export interface PipelineFunctionProps {
  /** Path of the TypeScript entry, relative to the repository root (e.g. `functions/consumers/inventory/handler.ts`). */
  readonly entry: string
  /**
   * The exported function name in the entry.
   * @default 'handler'
   */
  readonly handler?: string
  /**
   * Function timeout. Lambda allows 1 second to 15 minutes.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration
  /**
   * Memory in MB. Lambda allows 128 to 10240.
   * @default 256
   */
  readonly memorySize?: number
  /**
   * Environment variables. `NODE_OPTIONS=--enable-source-maps` is always added so stack
   * traces point at the TypeScript source.
   * @default - none besides NODE_OPTIONS
   */
  readonly environment?: Record<string, string>
  /**
   * How long the function's log group keeps its events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays
  /**
   * A short description shown in the Lambda console.
   * @default - none
   */
  readonly description?: string
}

/**
 * A Node.js Lambda function with the pipeline's defaults: nodejs24.x on arm64, bundled at
 * synth by the local esbuild (no Docker) as {@link DEPLOYED_BUNDLE} says, JSON logs in its own log group with a retention,
 * X-Ray tracing, and a role that starts with write access to that log group and nothing
 * else (no AWS managed policy). The function resource carries {@link SOURCE_METADATA_KEY}
 * metadata so the local runner can run the handler from source.
 */
export class PipelineFunction extends Construct implements IGrantable {
  /** The bundled function. */
  readonly function: NodejsFunction
  /** The function's execution role. */
  readonly role: Role
  /** The log group the function writes to. */
  readonly logGroup: LogGroup
  /** The function's timeout, as configured. */
  readonly timeout: Duration
  /** Where the local runner finds the handler's source. */
  readonly source: FunctionSourceMetadata

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id)
    const timeout = props.timeout ?? DEFAULT_FUNCTION_TIMEOUT
    const memorySize = props.memorySize ?? 256
    validateProps(this, [
      {
        failed: path.isAbsolute(props.entry) || props.entry.split(/[\\/]/).includes('..'),
        message: `entry must be a path inside the repository, relative to its root (got '${props.entry}')`,
      },
      {
        failed:
          isBelow(timeout.toMilliseconds(), 1000) ||
          isBelow(AWS_LIMITS.lambda.maxTimeoutSeconds * 1000, timeout.toMilliseconds()) ||
          (!Token.isUnresolved(timeout.toMilliseconds()) && timeout.toMilliseconds() % 1000 !== 0),
        message: `timeout must be whole seconds between 1 second and 15 minutes, Lambda's range (got ${timeout.toHumanString()})`,
      },
      {
        failed: outOfRange(memorySize, 128, 10240),
        message: `memorySize must be an integer from 128 to 10240 MB, Lambda's range (got ${memorySize})`,
      },
    ])

    this.timeout = timeout
    this.source = {
      entry: props.entry.split(path.sep).join('/'),
      handler: props.handler ?? 'handler',
    }
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    })
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    })
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this log group only.
    this.logGroup.grantWrite(this.role)

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: this.source.handler,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout,
      memorySize,
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: DEPLOYED_BUNDLE.target,
        mainFields: [...DEPLOYED_BUNDLE.mainFields],
        minify: DEPLOYED_BUNDLE.minify,
        sourceMap: DEPLOYED_BUNDLE.sourcemap,
        sourcesContent: DEPLOYED_BUNDLE.sourcesContent,
        externalModules: [...DEPLOYED_BUNDLE.external],
        banner: DEPLOYED_BUNDLE.banner.js,
      },
    })
    ;(this.function.node.defaultChild as CfnFunction).addMetadata(SOURCE_METADATA_KEY, this.source)

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so their resource must be *.',
    })
    Validations.of(this.function).acknowledge({
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'Pipeline functions are invoked synchronously by event source mappings; failed records go to the source queue DLQ or the mapping on-failure destination, never to a function DLQ (which only serves asynchronous invocations).',
    })
  }

  /** The principal to grant permissions to: the function's role. */
  get grantPrincipal(): IPrincipal {
    return this.role
  }

  /** Adds an environment variable. */
  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value)
    return this
  }
}
