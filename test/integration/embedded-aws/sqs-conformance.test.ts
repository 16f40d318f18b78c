import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns'
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  type CreateQueueCommandInput,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  type MessageAttributeValue,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { conformanceTargets, type RunningTarget } from '../../support/targets.ts'

/**
 * The SQS API's rules, one check a rule, against each target: the embedded SQS (our layer in
 * local/sns-sqs/sqs/ in front of fauxqs) and moto when it is installed. Each check cites the
 * page of the SQS API reference or developer guide it comes from. Where moto is known to
 * differ from AWS the check is expected to fail on it (`it.fails`), so a fix is noticed.
 */
const knownDifferences: Record<string, Record<string, string>> = {
  embedded: {
    'queue-policy': 'does not enforce queue policies (nor IAM): the send is accepted',
  },
  moto: {
    'attr-empty-value': 'accepts an empty String value',
    'attr-reserved-prefix': 'accepts attribute names starting with AWS. or Amazon.',
    'attr-name-characters': 'accepts attribute names with a leading or doubled period',
    'attr-number': 'accepts a Number value that is not a number',
    'attr-control-characters': 'accepts control characters in a String value',
    'attr-batch-entry': 'sends a batch entry with an empty attribute value',
    'fifo-id-format': 'accepts a MessageGroupId with a space',
    'redrive-policy':
      'answers a RedrivePolicy that is not JSON with a SyntaxError, not InvalidParameterValue',
    'fifo-attributes-on-standard': 'accepts ContentBasedDeduplication on a standard queue',
    'fifo-name': 'accepts a .fifo name without FifoQueue',
    'purge-in-progress': 'accepts a second PurgeQueue within 60 seconds',
    'fifo-delete-expired':
      'deletes a FIFO message with a receipt handle whose visibility timeout passed',
    'boolean-case': 'accepts FifoQueue: yes',
    'trace-header-and-dlq-source': 'gives no DeadLetterQueueSourceArn on a message moved to a DLQ',
    'trace-header-http': "ignores a SendMessage request's X-Amzn-Trace-Id header",
    'sns-trace-header': "does not carry an SNS Publish's X-Amzn-Trace-Id to the queue",
    'queue-policy': 'does not enforce queue policies: the send is accepted',
    'error-wire-format':
      'answers __type InvalidParameterValue, not InvalidParameterValueException (the query code is right)',
  },
}

const unique = () => crypto.randomUUID().slice(0, 8)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Makes the client send the X-Ray trace header on every request, as an instrumented service does. */
function sendTraceHeader(client: SQSClient | SNSClient, trace: string): void {
  ;(client.middlewareStack as SQSClient['middlewareStack']).add(
    (next) => async (args) => {
      ;(args.request as { headers: Record<string, string> }).headers['X-Amzn-Trace-Id'] = trace
      return next(args)
    },
    { step: 'build', name: 'traceHeader' },
  )
}

/** The error's code as AWS names it to Query-protocol clients (the SDK's `Code`), and its message. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise
  } catch (error) {
    const e = error as { Code?: string; name?: string; message?: string }
    return { code: e.Code ?? e.name ?? 'Unknown', message: e.message ?? '' }
  }
  return { code: 'accepted', message: '' }
}

describe.each(conformanceTargets)('SQS API rules on $name', (target) => {
  let running: RunningTarget
  let sqs: SQSClient
  const skip = target.skip ? ` (skipped: ${target.skip})` : ''
  const check = (id: string, title: string, fn: () => Promise<void>, timeout?: number) => {
    const difference = knownDifferences[target.name]?.[id]
    if (target.skip) it.skip(`${title}${skip}`, fn)
    else if (difference) it.fails(`${title} [known difference: ${difference}]`, fn, timeout)
    else it(title, fn, timeout)
  }

  beforeAll(async () => {
    if (target.skip) return
    running = await target.start()
    sqs = new SQSClient({ ...emulatorClientConfig(running.endpoint), maxAttempts: 1 })
  }, 60_000)
  afterAll(async () => {
    sqs?.destroy()
    await running?.stop()
  })

  const queue = async (input: Partial<CreateQueueCommandInput> = {}) => {
    const fifo = input.Attributes?.FifoQueue === 'true'
    const QueueName = input.QueueName ?? `q-${unique()}${fifo ? '.fifo' : ''}`
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ ...input, QueueName }))
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    )
    return { url: QueueUrl as string, arn: Attributes?.QueueArn as string }
  }
  const fifoQueue = (attributes: Record<string, string> = {}) =>
    queue({ Attributes: { FifoQueue: 'true', ...attributes } })
  const sendWith = async (MessageAttributes: Record<string, MessageAttributeValue>) => {
    const { url } = await queue()
    return refusal(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm', MessageAttributes })),
    )
  }
  const string = (StringValue: string): MessageAttributeValue => ({
    DataType: 'String',
    StringValue,
  })

  describe('message attributes (SendMessage)', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
    check('attr-empty-value', 'refuses an empty String value', async () => {
      expect((await sendWith({ a: string('') })).code).toBe('InvalidParameterValue')
    })
    check('attr-reserved-prefix', 'refuses names starting with AWS. or Amazon.', async () => {
      for (const name of ['AWS.thing', 'amazon.thing']) {
        expect((await sendWith({ [name]: string('v') })).code).toBe('InvalidParameterValue')
      }
    })
    check(
      'attr-name-characters',
      'refuses names with invalid characters, leading or doubled periods, or over 256 characters',
      async () => {
        for (const name of ['a b', '.a', 'a..b', 'x'.repeat(257)]) {
          expect((await sendWith({ [name]: string('v') })).code, name).toBe('InvalidParameterValue')
        }
        expect((await sendWith({ 'ok_name-1.x': string('v') })).code).toBe('accepted')
      },
    )
    check(
      'attr-data-type',
      'refuses a DataType other than String, Number, Binary (with a label)',
      async () => {
        expect((await sendWith({ a: { DataType: 'Text', StringValue: 'v' } })).code).toBe(
          'InvalidParameterValue',
        )
        expect((await sendWith({ a: { DataType: 'String.custom', StringValue: 'v' } })).code).toBe(
          'accepted',
        )
      },
    )
    check('attr-number', 'refuses a Number value that is not a number', async () => {
      expect((await sendWith({ n: { DataType: 'Number', StringValue: 'abc' } })).code).toBe(
        'InvalidParameterValue',
      )
      expect((await sendWith({ n: { DataType: 'Number', StringValue: '-1.5e3' } })).code).toBe(
        'accepted',
      )
    })
    check('attr-control-characters', 'refuses control characters in a String value', async () => {
      expect((await sendWith({ a: string('bad\u0001') })).code).toBe('InvalidParameterValue')
    })
    check(
      'attr-batch-entry',
      'fails only the batch entry whose attributes are invalid',
      async () => {
        const { url } = await queue()
        const result = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              { Id: 'good', MessageBody: 'g', MessageAttributes: { a: string('v') } },
              { Id: 'bad', MessageBody: 'b', MessageAttributes: { a: string('') } },
            ],
          }),
        )
        expect(result.Successful?.map((e) => e.Id)).toEqual(['good'])
        expect(result.Failed?.map((e) => [e.Id, e.Code])).toEqual([
          ['bad', 'InvalidParameterValue'],
        ])
      },
    )
  })

  describe('FIFO ids (SendMessage, SendMessageBatch)', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
    check(
      'fifo-id-format',
      'refuses a MessageGroupId or MessageDeduplicationId outside 1-128 printable characters',
      async () => {
        const { url } = await fifoQueue()
        const send = (MessageGroupId: string, MessageDeduplicationId: string) =>
          refusal(
            sqs.send(
              new SendMessageCommand({
                QueueUrl: url,
                MessageBody: 'm',
                MessageGroupId,
                MessageDeduplicationId,
              }),
            ),
          )
        expect((await send('a b', 'd1')).code).toBe('InvalidParameterValue')
        expect((await send('g'.repeat(129), 'd2')).code).toBe('InvalidParameterValue')
        expect((await send('g', 'd é')).code).toBe('InvalidParameterValue')
        expect((await send('g!#$%&()*+,-./:;<=>?@[]^_`{|}~', 'd3')).code).toBe('accepted')
      },
    )
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
    check(
      'fifo-batch-missing-group',
      'fails the whole FIFO batch when an entry has no MessageGroupId',
      async () => {
        const { url } = await fifoQueue({ ContentBasedDeduplication: 'true' })
        const result = await refusal(
          sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: url,
              Entries: [
                { Id: 'a', MessageBody: 'a', MessageGroupId: 'g' },
                { Id: 'b', MessageBody: 'b' },
              ],
            }),
          ),
        )
        expect(result.code).toBe('MissingParameter')
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        )
        expect(Attributes?.ApproximateNumberOfMessages).toBe('0')
      },
    )
  })

  describe('queue attributes (CreateQueue, SetQueueAttributes)', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
    check('redrive-policy', 'refuses an invalid RedrivePolicy and takes a valid one', async () => {
      const dlq = await queue()
      const set = async (RedrivePolicy: string) => {
        const { url } = await queue()
        return refusal(
          sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy } })),
        )
      }
      expect((await set('{not json')).code).toBe('InvalidParameterValue')
      expect(
        (await set(JSON.stringify({ deadLetterTargetArn: `${dlq.arn}-none`, maxReceiveCount: 3 })))
          .code,
      ).toBe('InvalidParameterValue')
      expect(
        (await set(JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 0 }))).code,
      ).toBe('InvalidParameterValue')
      expect(
        (await set(JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }))).code,
      ).toBe('accepted')
    })
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
    check(
      'fifo-attributes-on-standard',
      'refuses FIFO-only attributes on a standard queue',
      async () => {
        const result = await refusal(
          sqs.send(
            new CreateQueueCommand({
              QueueName: `std-${unique()}`,
              Attributes: { ContentBasedDeduplication: 'true' },
            }),
          ),
        )
        expect(result.code).toBe('InvalidAttributeName')
      },
    )
    check(
      'fifo-name',
      'refuses a .fifo name without FifoQueue, and FifoQueue without the suffix',
      async () => {
        expect(
          (await refusal(sqs.send(new CreateQueueCommand({ QueueName: `n-${unique()}.fifo` }))))
            .code,
        ).toBe('InvalidParameterValue')
        expect(
          (
            await refusal(
              sqs.send(
                new CreateQueueCommand({
                  QueueName: `n-${unique()}`,
                  Attributes: { FifoQueue: 'true' },
                }),
              ),
            )
          ).code,
        ).toBe('InvalidParameterValue')
      },
    )
    check(
      'boolean-case',
      'takes booleans in any case and answers them in lower case; refuses other values',
      async () => {
        // Recorded on AWS: FIFO queues created with FifoQueue "True" (LocalStack's validated tests).
        const { url } = await queue({
          QueueName: `b-${unique()}.fifo`,
          Attributes: { FifoQueue: 'True', ContentBasedDeduplication: 'False' },
        })
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['FifoQueue', 'ContentBasedDeduplication'],
          }),
        )
        expect(Attributes).toEqual({ FifoQueue: 'true', ContentBasedDeduplication: 'false' })
        await sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: url,
            Attributes: { ContentBasedDeduplication: 'TRUE' },
          }),
        )
        const after = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ContentBasedDeduplication'],
          }),
        )
        expect(after.Attributes?.ContentBasedDeduplication).toBe('true')
        const refused = await refusal(
          sqs.send(
            new CreateQueueCommand({
              QueueName: `b-${unique()}.fifo`,
              Attributes: { FifoQueue: 'yes' },
            }),
          ),
        )
        expect(refused.code).toBe('InvalidAttributeValue')
      },
    )
  })

  describe('PurgeQueue', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
    check('purge-in-progress', 'refuses a second purge within 60 seconds', async () => {
      const { url } = await queue()
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }))
      expect((await refusal(sqs.send(new PurgeQueueCommand({ QueueUrl: url })))).code).toBe(
        'AWS.SimpleQueueService.PurgeQueueInProgress',
      )
    })
    check('purge-deduplication', 'forgets the deduplication ids of a FIFO queue', async () => {
      const { url } = await fifoQueue()
      const send = () =>
        sqs.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: 'once',
            MessageGroupId: 'g',
            MessageDeduplicationId: 'same',
          }),
        )
      await send()
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }))
      await send()
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }),
      )
      expect(Messages.map((m) => m.Body)).toEqual(['once'])
    })
  })

  describe('receipt handles (DeleteMessage, ChangeMessageVisibility)', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
    check('receipt-handle-malformed', 'refuses a receipt handle it never issued', async () => {
      const { url } = await queue()
      expect(
        (
          await refusal(
            sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
          )
        ).code,
      ).toBe('ReceiptHandleIsInvalid')
      expect(
        (
          await refusal(
            sqs.send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: url,
                ReceiptHandle: 'garbage',
                VisibilityTimeout: 5,
              }),
            ),
          )
        ).code,
      ).toBe('ReceiptHandleIsInvalid')
      const batch = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: [{ Id: 'x', ReceiptHandle: 'garbage' }],
        }),
      )
      expect(batch.Failed?.map((e) => e.Code)).toEqual(['ReceiptHandleIsInvalid'])
    })
    check(
      'fifo-delete-expired',
      'refuses to delete a FIFO message after its visibility timeout and delivers it again',
      async () => {
        const { url } = await fifoQueue({ ContentBasedDeduplication: 'true' })
        await sqs.send(
          new SendMessageCommand({ QueueUrl: url, MessageBody: 'late', MessageGroupId: 'g' }),
        )
        const first = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }),
        )
        const handle = first.Messages?.[0]?.ReceiptHandle as string
        await sleep(1500)
        expect(
          (
            await refusal(
              sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle })),
            )
          ).code,
        ).toBe('InvalidParameterValue')
        const again = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }),
        )
        expect(again.Messages?.map((m) => m.Body)).toEqual(['late'])
      },
      10_000,
    )
  })

  describe('ReceiveMessage', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
    check(
      'receive-attribute-names',
      'returns the message attributes asked for (none, All, .*, a name, a prefix) with their MD5',
      async () => {
        const { url } = await queue()
        const attributes = { a: string('1'), 'b.x': string('2'), 'b.y': string('3') }
        const received = async (MessageAttributeNames?: string[]) => {
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: url,
              MessageBody: 'm',
              MessageAttributes: attributes,
            }),
          )
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames, WaitTimeSeconds: 1 }),
          )
          // The SDK checks MD5OfMessageAttributes against the attributes it got.
          return Object.keys(Messages[0]?.MessageAttributes ?? {}).sort()
        }
        expect(await received(undefined)).toEqual([])
        expect(await received([])).toEqual([])
        expect(await received(['All'])).toEqual(['a', 'b.x', 'b.y'])
        expect(await received(['.*'])).toEqual(['a', 'b.x', 'b.y'])
        expect(await received(['a'])).toEqual(['a'])
        expect(await received(['b.*'])).toEqual(['b.x', 'b.y'])
      },
    )
    // WaitTimeSeconds: "If a message is available, the call returns sooner than WaitTimeSeconds.
    // If no messages are available and the wait time expires, the call does not return a
    // message list." A receive another receive beat to the message goes on waiting.
    check(
      'long-poll-waits-out',
      'answers a long poll that another receive beat to the message only when its wait time ends',
      async () => {
        const { url } = await queue()
        const receive = async () => {
          const started = Date.now()
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }),
          )
          return { messages: Messages.length, ms: Date.now() - started }
        }
        const both = Promise.all([receive(), receive()])
        await sleep(300)
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }))
        const [a, b] = (await both).sort((x, y) => y.messages - x.messages)
        expect(a?.messages).toBe(1)
        expect(a?.ms).toBeLessThan(1800)
        expect(b).toMatchObject({ messages: 0 })
        expect(b?.ms).toBeGreaterThanOrEqual(1900)
      },
      10_000,
    )
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
    check(
      'approximate-counts',
      'counts a message whose visibility timeout passed as visible again, before any receive',
      async () => {
        const { url } = await queue()
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }))
        await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }))
        await sleep(1500)
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
            ],
          }),
        )
        expect(Attributes).toMatchObject({
          ApproximateNumberOfMessages: '1',
          ApproximateNumberOfMessagesNotVisible: '0',
        })
      },
      10_000,
    )
  })

  describe('AWSTraceHeader and dead-letter queues', () => {
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
    /** A source queue whose RedrivePolicy moves a message to its DLQ after maxReceiveCount receives. */
    const redriving = async (maxReceiveCount: number) => {
      const dlq = await queue()
      const source = await queue({
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
        },
      })
      return { dlq, source }
    }
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageSystemAttributeValue.html
    check(
      'trace-header-and-dlq-source',
      'keeps AWSTraceHeader through a move to the DLQ, which names the source queue',
      async () => {
        const { dlq, source } = await redriving(1)
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: source.url,
            MessageBody: 'traced',
            MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
          }),
        )
        const first = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: source.url,
            VisibilityTimeout: 0,
            MessageSystemAttributeNames: ['AWSTraceHeader'],
          }),
        )
        expect(first.Messages?.[0]?.Attributes?.AWSTraceHeader).toBe(trace)
        // The second receive exceeds maxReceiveCount: the message moves to the DLQ.
        await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, WaitTimeSeconds: 0 }))
        const moved = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlq.url,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        )
        expect(moved.Messages?.[0]?.Attributes).toMatchObject({
          AWSTraceHeader: trace,
          DeadLetterQueueSourceArn: source.arn,
        })
        const { queueUrls } = await sqs.send(
          new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }),
        )
        expect(queueUrls).toEqual([source.url])
      },
    )
    // Recorded on AWS (LocalStack's validated test_dead_letter_queue_message_attributes): a
    // message received once, then moved by the next receive (maxReceiveCount 1), shows
    // ApproximateReceiveCount 2 on its first receive from the DLQ: the moving receive is not
    // a delivery; the DLQ's receives count on from the source's.
    check(
      'dlq-receive-count',
      'carries the receive count into the DLQ, without the receive that moved the message',
      async () => {
        const { dlq, source } = await redriving(2)
        await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'counted' }))
        const receive = (QueueUrl: string) =>
          sqs.send(
            new ReceiveMessageCommand({
              QueueUrl,
              VisibilityTimeout: 0,
              MessageSystemAttributeNames: ['ApproximateReceiveCount'],
              WaitTimeSeconds: 1,
            }),
          )
        const counts: string[] = []
        for (let i = 0; i < 2; i++) {
          const { Messages = [] } = await receive(source.url)
          counts.push(...Messages.map((m) => m.Attributes?.ApproximateReceiveCount ?? '?'))
        }
        expect(counts).toEqual(['1', '2'])
        // The third receive finds it over maxReceiveCount and moves it.
        expect((await receive(source.url)).Messages ?? []).toEqual([])
        const moved = await receive(dlq.url)
        expect(moved.Messages?.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['3'])
        const again = await receive(dlq.url)
        expect(again.Messages?.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['4'])
      },
    )
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
    // (MessageSystemAttributes: "the X-Ray trace header"; without it, the request's header).
    check(
      'trace-header-http',
      "takes a SendMessage request's X-Amzn-Trace-Id header as the message's AWSTraceHeader",
      async () => {
        const { url } = await queue()
        const traced = new SQSClient({ ...emulatorClientConfig(running.endpoint), maxAttempts: 1 })
        sendTraceHeader(traced, trace)
        try {
          await traced.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'header' }))
        } finally {
          traced.destroy()
        }
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MessageSystemAttributeNames: ['AWSTraceHeader'],
            WaitTimeSeconds: 1,
          }),
        )
        expect(Messages.map((m) => m.Attributes?.AWSTraceHeader)).toEqual([trace])
      },
    )
    // "If you publish to an Amazon SNS topic from a service that's already instrumented with
    // X-Ray, Amazon SNS passes the trace context from publisher to subscribers."
    // https://docs.aws.amazon.com/xray/latest/devguide/xray-services-sns.html
    check(
      'sns-trace-header',
      "carries an SNS Publish's X-Amzn-Trace-Id into the subscribed queue and on to its DLQ",
      async () => {
        const { dlq, source } = await redriving(1)
        const sns = new SNSClient({ ...emulatorClientConfig(running.endpoint), maxAttempts: 1 })
        try {
          const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `t-${unique()}` }))
          await sns.send(
            new SubscribeCommand({
              TopicArn,
              Protocol: 'sqs',
              Endpoint: source.arn,
              Attributes: { RawMessageDelivery: 'true' },
            }),
          )
          sendTraceHeader(sns, trace)
          await sns.send(new PublishCommand({ TopicArn, Message: 'published' }))
        } finally {
          sns.destroy()
        }
        const receive = (QueueUrl: string) =>
          sqs.send(
            new ReceiveMessageCommand({
              QueueUrl,
              VisibilityTimeout: 0,
              MessageSystemAttributeNames: ['AWSTraceHeader'],
              WaitTimeSeconds: 1,
            }),
          )
        const first = await receive(source.url)
        expect(first.Messages?.map((m) => [m.Body, m.Attributes?.AWSTraceHeader])).toEqual([
          ['published', trace],
        ])
        await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, WaitTimeSeconds: 0 }))
        const moved = await receive(dlq.url)
        expect(moved.Messages?.map((m) => m.Attributes?.AWSTraceHeader)).toEqual([trace])
      },
    )
  })

  describe('access', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-using-identity-based-policies.html
    check('queue-policy', 'refuses a SendMessage that the queue policy denies', async () => {
      const { url, arn } = await queue()
      const Policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: arn }],
      })
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy } }))
      const result = await refusal(
        sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'denied' })),
      )
      expect(result.code).toMatch(/AccessDenied/)
    })
  })

  describe('error shapes', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html
    check(
      'error-wire-format',
      "answers errors in AWS's JSON shape with the query-compatible code",
      async () => {
        const call = async (action: string, body: object) => {
          const response = await fetch(running.endpoint, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': `AmazonSQS.${action}`,
              authorization:
                'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x',
            },
            body: JSON.stringify(body),
          })
          const json = (await response.json()) as { __type?: string }
          return {
            status: response.status,
            type: json.__type,
            query: response.headers.get('x-amzn-query-error'),
          }
        }
        const { url } = await queue()
        expect(
          await call('SendMessage', { QueueUrl: url, MessageBody: 'm', DelaySeconds: 901 }),
        ).toEqual({
          status: 400,
          type: 'com.amazonaws.sqs#InvalidParameterValueException',
          query: 'InvalidParameterValue;Sender',
        })
        expect(await call('GetQueueAttributes', { QueueUrl: `${url}-none` })).toEqual({
          status: 400,
          type: 'com.amazonaws.sqs#QueueDoesNotExist',
          query: 'AWS.SimpleQueueService.NonExistentQueue;Sender',
        })
        // Recorded on AWS: MissingParameter's shape is MissingRequiredParameterException, and a
        // second purge is answered with HTTP 403.
        const fifo = await fifoQueue({ ContentBasedDeduplication: 'true' })
        expect(
          await call('SendMessageBatch', {
            QueueUrl: fifo.url,
            Entries: [{ Id: 'a', MessageBody: 'a' }],
          }),
        ).toEqual({
          status: 400,
          type: 'com.amazonaws.sqs#MissingRequiredParameterException',
          query: 'MissingParameter;Sender',
        })
        await call('PurgeQueue', { QueueUrl: url })
        expect(await call('PurgeQueue', { QueueUrl: url })).toEqual({
          status: 403,
          type: 'com.amazonaws.sqs#PurgeQueueInProgress',
          query: 'AWS.SimpleQueueService.PurgeQueueInProgress;Sender',
        })
      },
    )
  })
})
