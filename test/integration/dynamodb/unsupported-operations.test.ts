import {
  DynamoDBClient,
  ExecuteStatementCommand,
  RestoreTableFromBackupCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'

describe('operations the embedded DynamoDB does not serve', () => {
  const embedded = useEmbeddedAws()

  it('answers with an error that names the operation, never a silent accept', async () => {
    const ddb = new DynamoDBClient({ ...emulatorClientConfig(embedded.endpoint), maxAttempts: 1 })
    await expect(
      ddb.send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM "t"' })),
    ).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining("'ExecuteStatement'"),
    })
    await expect(
      ddb.send(
        new RestoreTableFromBackupCommand({
          TargetTableName: 'x',
          BackupArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/x/backup/1',
        }),
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining("'RestoreTableFromBackup'") })
  })

  it('names an unknown DynamoDB Streams operation too', async () => {
    const response = await fetch(embedded.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDBStreams_20120810.DescribeShards',
      },
      body: '{}',
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { __type: string; message: string }
    expect(body.__type).toMatch(/UnknownOperationException$/)
    expect(body.message).toContain(
      "DynamoDB Streams does not support the operation 'DescribeShards'",
    )
  })

  it('answers SerializationException to a body that is not JSON', async () => {
    const response = await fetch(embedded.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{not json',
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { __type: string }).__type).toMatch(
      /SerializationException$/,
    )
  })
})
