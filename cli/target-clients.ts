import { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/** SDK v3 configuration for one target: a region, and for an emulator its endpoint and dummy credentials. */
export interface ClientConfig {
  readonly region: string
  readonly endpoint?: string
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string }
  /** Attempts per request. @default 2 ({@link cliMaxAttempts}) */
  readonly maxAttempts?: number
}

/**
 * Attempts per request, the first included: one retry, not the SDK's three attempts. A
 * person waits on the CLI, and an endpoint that does not answer should say so at once.
 * @default 2
 */
const cliMaxAttempts = 2

/**
 * The SDK clients of one target, each built on first use with the target's configuration
 * and {@link cliMaxAttempts}, so that a command pays only for the services it calls.
 * `destroy()` closes those built (their sockets would keep the process alive).
 */
export class TargetClients {
  readonly #config: ClientConfig & { readonly maxAttempts: number }
  readonly #built: { destroy(): void }[] = []
  readonly #sqs = this.#lazy(() => new SQSClient(this.#config))
  readonly #sns = this.#lazy(() => new SNSClient(this.#config))
  readonly #dynamodb = this.#lazy(() => new DynamoDBClient(this.#config))
  readonly #cloudwatch = this.#lazy(() => new CloudWatchClient(this.#config))
  readonly #cloudformation = this.#lazy(() => new CloudFormationClient(this.#config))
  #documents: DynamoDBDocumentClient | undefined

  constructor(config: ClientConfig) {
    this.#config = { ...config, maxAttempts: config.maxAttempts ?? cliMaxAttempts }
  }

  get sqs(): SQSClient {
    return this.#sqs()
  }
  get sns(): SNSClient {
    return this.#sns()
  }
  get dynamodb(): DynamoDBClient {
    return this.#dynamodb()
  }
  /**
   * DynamoDB with native JavaScript values; undefined attributes are left out, as the
   * read-model rows written by a replay have optional fields. Shares {@link dynamodb}'s client.
   */
  get documents(): DynamoDBDocumentClient {
    this.#documents ??= DynamoDBDocumentClient.from(this.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    })
    return this.#documents
  }
  get cloudwatch(): CloudWatchClient {
    return this.#cloudwatch()
  }
  get cloudformation(): CloudFormationClient {
    return this.#cloudformation()
  }

  destroy(): void {
    for (const client of this.#built.splice(0)) client.destroy()
  }

  #lazy<T extends { destroy(): void }>(build: () => T): () => T {
    let client: T | undefined
    return () => {
      if (client === undefined) {
        client = build()
        this.#built.push(client)
      }
      return client
    }
  }
}
