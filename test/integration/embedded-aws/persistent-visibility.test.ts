import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { afterAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { startEmbeddedAws } from '../../../local/embedded-aws.ts'

// fauxqs 2.4.1's SQLite store threw on ChangeMessageVisibility 0 and dropped the message from
// the running queue (issue 17, defect 5); local/sns-sqs/fauxqs.ts mends it.
describe('embedded SQS with a data folder: a message made visible again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visibility-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('is received again at once, with its receive count, before and after a restart', async () => {
    const first = await startEmbeddedAws({ port: 0, dataDir })
    let sqs = new SQSClient(emulatorClientConfig(first.endpoint))
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'released' }))
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }))
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two' }))
      const receive = () =>
        sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 300,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        )
      const firstReceive = (await receive()).Messages ?? []
      expect(firstReceive.map((m) => m.Body).sort()).toEqual(['one', 'two'])
      const [one, two] = [...firstReceive].sort((a, b) => a.Body!.localeCompare(b.Body!))
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: one!.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      )
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: [{ Id: '0', ReceiptHandle: two!.ReceiptHandle, VisibilityTimeout: 0 }],
        }),
      )
      const again = (await receive()).Messages ?? []
      expect(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]).sort()).toEqual([
        ['one', '2'],
        ['two', '2'],
      ])
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: again.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
    } finally {
      sqs.destroy()
      await first.stop()
    }

    const second = await startEmbeddedAws({ port: 0, dataDir })
    sqs = new SQSClient(emulatorClientConfig(second.endpoint))
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'released' }))
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      )
      expect(Messages.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]).sort()).toEqual([
        ['one', '3'],
        ['two', '3'],
      ])
    } finally {
      sqs.destroy()
      await second.stop()
    }
  })
})
