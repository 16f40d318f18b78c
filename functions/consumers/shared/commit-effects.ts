import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import type { AppendWrite } from '../../event-store/index.ts'

/**
 * Commits a step's effects on their own, before the runtime completes the idempotency record
 * with a plain conditional update (1 WRU, where inside the effects' transaction it took 2:
 * docs/decisions/0007). They stay exactly once because each carries its own condition: the
 * event store's put of the next version on the stream the step read (which records the event
 * it consumed, so a second run decides nothing), the read model's row on the version read. A
 * run again after a crash between the two commits finds its effects there and writes nothing;
 * two copies at once race on those conditions and the loser is retried (a lost race), then
 * finds them too.
 *
 * One write is a plain conditional write (1 WRU a KB); more are one TransactWriteItems, all or
 * nothing (2 WRU a KB each). Nothing to write, nothing sent. An SDK retry of a write that
 * landed (its reply lost) is not taken for a lost race: the transaction carries a token made
 * of its writes, and a put refused by the very item it writes has landed.
 */
export async function commitEffects(
  client: DynamoDBDocumentClient,
  writes: readonly AppendWrite[],
): Promise<void> {
  const [only, ...more] = writes
  if (!only) return
  if (more.length === 0) {
    if (only.Put) return putOnce(client, only.Put)
    if (only.Update) return void (await client.send(new UpdateCommand(only.Update)))
    if (only.Delete) return void (await client.send(new DeleteCommand(only.Delete)))
  }
  const token = createHash('sha256').update(JSON.stringify(writes)).digest('hex').slice(0, 36)
  await client.send(
    new TransactWriteCommand({ TransactItems: [...writes], ClientRequestToken: token }),
  )
}

async function putOnce(
  client: DynamoDBDocumentClient,
  put: NonNullable<AppendWrite['Put']>,
): Promise<void> {
  try {
    await client.send(new PutCommand({ ...put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
  } catch (error) {
    const found = error instanceof ConditionalCheckFailedException ? error.Item : undefined
    // As stored: undefined attributes are left out (removeUndefinedValues).
    const written = JSON.parse(JSON.stringify(put.Item)) as unknown
    if (found && isDeepStrictEqual(unmarshall(found), written)) return
    throw error
  }
}
