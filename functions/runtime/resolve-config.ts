import { AWS_LIMITS } from '../../contracts/aws-limits.ts'
import { CONSUMER_ENVIRONMENT } from '../../contracts/environment.ts'
import { ConsumerConfigError } from './errors.ts'
import { awsLimits, runtimeDefaults } from './runtime-defaults.ts'

/** Settings a consumer may pass; each overrides its environment variable or default. */
export interface RuntimeSettings {
  /** The consumer's queue. @default env QUEUE_URL */
  readonly queueUrl?: string
  /** Its dead-letter queue. @default env DLQ_URL */
  readonly dlqUrl?: string
  /** The queue's redrive maxReceiveCount; the runtime dead-letters on that receive. @default env MAX_RECEIVE_COUNT */
  readonly maxReceiveCount?: number
  /** Table with partition key `id` (S) and TTL on `expiresAt`. @default env IDEMPOTENCY_TABLE */
  readonly idempotencyTable?: string
  /** Records (or FIFO groups) in flight at once, 1 to 1000. @default 10 */
  readonly concurrency?: number
  /** First retry delay of a transient failure, doubled each receive (full jitter). @default 1 */
  readonly backoffBaseSeconds?: number
  /** At most 42,000: SQS's 12-hour visibility limit less a batching window and a function timeout. @default 900 */
  readonly backoffCapSeconds?: number
  /** Lease of an in-progress record, whole seconds. @default - the invocation's remaining time, else 60 */
  readonly leaseSeconds?: number
  /** How long a completed event is remembered, so its duplicates are skipped. @default 86400 (one day) */
  readonly dedupeWindowSeconds?: number
  /** Records are not started when less than this is left of the invocation. @default 1000 */
  readonly deadlineMarginMs?: number
  /** Largest record body accepted. @default 262144 (what SNS accepts in one publish) */
  readonly maxBodyBytes?: number
  /** One TransactWriteItems takes (and one completes) a batch's idempotency records. @default true */
  readonly batchIdempotencyWrites?: boolean
  /**
   * Lease each record before handling it. `false`: no write before the handler; the
   * completion's condition (nobody holds the record) fences it, so effects stay exactly once
   * only when they are returned writes or idempotent by themselves. @default true
   */
  readonly leases?: boolean
  /** `ignore` acknowledges records of types the consumer does not handle. @default 'dead-letter' */
  readonly unknownEvents?: 'dead-letter' | 'ignore'
}

export interface RuntimeConfig {
  readonly name: string
  readonly queueUrl: string
  readonly dlqUrl: string
  readonly maxReceiveCount: number
  readonly idempotencyTable: string
  readonly concurrency: number
  readonly backoffBaseSeconds: number
  readonly backoffCapSeconds: number
  readonly leaseSeconds: number | undefined
  readonly dedupeWindowSeconds: number
  readonly deadlineMarginMs: number
  readonly maxBodyBytes: number
  readonly unknownEvents: 'dead-letter' | 'ignore'
  readonly batchIdempotencyWrites: boolean
  readonly leases: boolean
}

export const settingNames = [
  'queueUrl',
  'dlqUrl',
  'maxReceiveCount',
  'idempotencyTable',
  'concurrency',
  'backoffBaseSeconds',
  'backoffCapSeconds',
  'leaseSeconds',
  'dedupeWindowSeconds',
  'deadlineMarginMs',
  'maxBodyBytes',
  'unknownEvents',
  'batchIdempotencyWrites',
  'leases',
] as const satisfies readonly (keyof RuntimeSettings)[]

/**
 * Settings, then the Lambda environment, then defaults. Validates everything and throws
 * one `ConsumerConfigError` listing every problem, each with its range and the value.
 */
export function resolveConfig(
  name: string,
  settings: RuntimeSettings,
  env: NodeJS.ProcessEnv,
): RuntimeConfig {
  const config = configOf(name, settings, env)
  const problems = problemsOf(config, settings, env)
  if (problems.length > 0) throw new ConsumerConfigError(name, problems)
  return config
}

/** Settings, then the Lambda environment, then defaults; not validated yet. */
function configOf(name: string, settings: RuntimeSettings, env: NodeJS.ProcessEnv): RuntimeConfig {
  const number = (value: number | undefined, name: string) =>
    value ?? (env[name] === undefined || env[name] === '' ? Number.NaN : Number(env[name]))
  const config: RuntimeConfig = {
    name,
    queueUrl: settings.queueUrl ?? env[CONSUMER_ENVIRONMENT.queueUrl] ?? '',
    dlqUrl: settings.dlqUrl ?? env[CONSUMER_ENVIRONMENT.deadLetterQueueUrl] ?? '',
    maxReceiveCount: number(settings.maxReceiveCount, CONSUMER_ENVIRONMENT.maxReceiveCount),
    idempotencyTable: settings.idempotencyTable ?? env[CONSUMER_ENVIRONMENT.idempotencyTable] ?? '',
    concurrency: settings.concurrency ?? runtimeDefaults.concurrency,
    backoffBaseSeconds: settings.backoffBaseSeconds ?? runtimeDefaults.backoffBaseSeconds,
    backoffCapSeconds: settings.backoffCapSeconds ?? runtimeDefaults.backoffCapSeconds,
    leaseSeconds: settings.leaseSeconds,
    dedupeWindowSeconds: settings.dedupeWindowSeconds ?? runtimeDefaults.dedupeWindowSeconds,
    deadlineMarginMs: settings.deadlineMarginMs ?? runtimeDefaults.deadlineMarginMs,
    maxBodyBytes: settings.maxBodyBytes ?? runtimeDefaults.maxBodyBytes,
    unknownEvents: settings.unknownEvents ?? runtimeDefaults.unknownEvents,
    batchIdempotencyWrites:
      settings.batchIdempotencyWrites ?? runtimeDefaults.batchIdempotencyWrites,
    leases: settings.leases ?? runtimeDefaults.leases,
  }
  return config
}

/** Every rule the config breaks, each message naming the range and the value received. */
function problemsOf(
  config: RuntimeConfig,
  settings: RuntimeSettings,
  env: NodeJS.ProcessEnv,
): string[] {
  const { name } = config
  const maxDeadlineMarginMs = AWS_LIMITS.lambda.maxTimeoutSeconds * 1000
  const integer = (value: number, min: number, max: number) =>
    Number.isInteger(value) && value >= min && value <= max
  const rules: { condition: boolean; message: string }[] = [
    {
      condition: /^[A-Za-z0-9_-]{1,64}$/.test(name),
      message: `name must be 1-64 letters, digits, - or _ (got '${name}')`,
    },
    {
      condition:
        env[CONSUMER_ENVIRONMENT.consumerName] === undefined ||
        env[CONSUMER_ENVIRONMENT.consumerName] === name,
      message: `name '${name}' differs from env ${CONSUMER_ENVIRONMENT.consumerName} '${env[CONSUMER_ENVIRONMENT.consumerName]}': the idempotency keys would not match the function's`,
    },
    {
      condition: config.queueUrl !== '',
      message: `queueUrl is required (option queueUrl or env ${CONSUMER_ENVIRONMENT.queueUrl})`,
    },
    {
      condition: config.dlqUrl !== '',
      message: `dlqUrl is required (option dlqUrl or env ${CONSUMER_ENVIRONMENT.deadLetterQueueUrl})`,
    },
    {
      condition: config.idempotencyTable !== '',
      message: `idempotencyTable is required (option idempotencyTable or env ${CONSUMER_ENVIRONMENT.idempotencyTable})`,
    },
    {
      condition: integer(config.maxReceiveCount, 1, 1000),
      message: `maxReceiveCount must be an integer from 1 to 1000, the queue's redrive maxReceiveCount (option maxReceiveCount or env ${CONSUMER_ENVIRONMENT.maxReceiveCount}; got ${env[CONSUMER_ENVIRONMENT.maxReceiveCount] ?? settings.maxReceiveCount})`,
    },
    {
      condition: integer(config.concurrency, 1, 1000),
      message: `concurrency must be an integer from 1 to 1000 (got ${config.concurrency})`,
    },
    {
      condition: integer(config.backoffBaseSeconds, 0, awsLimits.maxRetryDelaySeconds),
      message: `backoffBaseSeconds must be an integer from 0 to ${awsLimits.maxRetryDelaySeconds} (got ${config.backoffBaseSeconds})`,
    },
    {
      condition: integer(
        config.backoffCapSeconds,
        config.backoffBaseSeconds,
        awsLimits.maxRetryDelaySeconds,
      ),
      message: `backoffCapSeconds must be an integer from backoffBaseSeconds (${config.backoffBaseSeconds}) to ${awsLimits.maxRetryDelaySeconds}: SQS's 12 hours less a batching window and a function timeout (got ${config.backoffCapSeconds})`,
    },
    {
      condition: config.leaseSeconds === undefined || integer(config.leaseSeconds, 1, 86_400),
      message: `leaseSeconds must be an integer from 1 to 86400 (got ${config.leaseSeconds})`,
    },
    {
      condition: integer(config.dedupeWindowSeconds, 1, 366 * 86_400),
      message: `dedupeWindowSeconds must be an integer from 1 to ${366 * 86_400} (got ${config.dedupeWindowSeconds})`,
    },
    {
      condition: integer(config.deadlineMarginMs, 0, maxDeadlineMarginMs),
      message: `deadlineMarginMs must be an integer from 0 to ${maxDeadlineMarginMs}, the longest function timeout (got ${config.deadlineMarginMs})`,
    },
    {
      condition: integer(config.maxBodyBytes, 1, 1_048_576),
      message: `maxBodyBytes must be an integer from 1 to 1048576 (got ${config.maxBodyBytes})`,
    },
    {
      condition: config.unknownEvents === 'dead-letter' || config.unknownEvents === 'ignore',
      message: `unknownEvents must be 'dead-letter' or 'ignore' (got '${config.unknownEvents}')`,
    },
  ]
  return rules.filter((rule) => !rule.condition).map((rule) => rule.message)
}
