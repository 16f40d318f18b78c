import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { conformanceTargets, type RunningTarget } from '../../support/targets.ts'

describe.each(conformanceTargets)('SQS redrive to a DLQ on $name', (target) => {
  let running: RunningTarget
  let sqs: SQSClient

  beforeAll(async () => {
    if (target.skip) return
    running = await target.start()
    sqs = new SQSClient(emulatorClientConfig(running.endpoint))
  }, 60_000)

  afterAll(async () => {
    await running?.stop()
  })

  it.skipIf(target.skip)(
    `moves a message received maxReceiveCount times without a delete ${target.skip ? `(skipped: ${target.skip})` : ''}`,
    async () => {
      const maxReceiveCount = 3
      const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'redrive-dlq' })))
        .QueueUrl!
      const dlqArn = (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
        )
      ).Attributes!.QueueArn!
      const url = (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: 'redrive-source',
            Attributes: {
              RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
            },
          }),
        )
      ).QueueUrl!
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }))

      const receiveCounts: string[] = []
      for (let attempt = 0; attempt < maxReceiveCount + 1; attempt++) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            VisibilityTimeout: 0,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        )
        receiveCounts.push(...Messages.map((m) => m.Attributes!.ApproximateReceiveCount!))
      }
      // Received maxReceiveCount times; the next receive moves it to the DLQ instead.
      expect(receiveCounts).toEqual(['1', '2', '3'])

      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }),
      )
      expect(Messages.map((m) => m.Body)).toEqual(['poison'])
    },
  )
})
