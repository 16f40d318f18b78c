import type { LayerContext } from '../../local/dynamodb/context.ts'
import { closeDynaliteStore } from '../../local/dynamodb/dynalite-store.ts'
import { type DynamoDbLayerOptions, openLayerContext } from '../../local/dynamodb/layer.ts'
import { createDynamoDbService } from '../../local/dynamodb/router.ts'
import { RequestCounts } from '../../local/wire-service.ts'

/**
 * The DynamoDB layer called in process, for tests that need what only its own store lets them
 * do: make storage fail, or hold an item's lock as a write in progress does. `send` answers
 * the wire reply (status and parsed body); `close` closes every layer opened since the last.
 */
export function useDynamoDbLayers() {
  let opened: LayerContext[] = []
  const close = async () => {
    await Promise.all(opened.map((context) => closeDynaliteStore(context.store)))
    opened = []
  }
  const open = async (
    options: Pick<
      DynamoDbLayerOptions,
      'dataDir' | 'region' | 'cacheTables' | 'itemsInMemory'
    > = {},
  ) => {
    const context = await openLayerContext(options)
    opened.push(context)
    const service = createDynamoDbService(context, new RequestCounts())
    const send = async (operation: string, body: object) => {
      const reply = await service({
        method: 'POST',
        path: '/',
        headers: {
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'content-type': 'application/x-amz-json-1.0',
        },
        body: JSON.stringify(body),
      })
      return { status: reply.status, body: JSON.parse(reply.body || '{}') }
    }
    const createTable = async (TableName: string, extra: object = {}) => {
      const created = await send('CreateTable', {
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        ...extra,
      })
      // dynalite makes the table ACTIVE on a timer, even with no delay.
      while ((await send('DescribeTable', { TableName })).body.Table?.TableStatus !== 'ACTIVE') {
        await sleep(10)
      }
      return created
    }
    return { context, send, createTable }
  }
  return { open, close }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
