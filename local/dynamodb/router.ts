import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { crc32 } from 'node:zlib'
import batchGetItemAction from 'dynalite/actions/batchGetItem.js'
import getItemAction from 'dynalite/actions/getItem.js'
import listTablesAction from 'dynalite/actions/listTables.js'
import listTagsOfResourceAction from 'dynalite/actions/listTagsOfResource.js'
import queryAction from 'dynalite/actions/query.js'
import scanAction from 'dynalite/actions/scan.js'
import tagResourceAction from 'dynalite/actions/tagResource.js'
import untagResourceAction from 'dynalite/actions/untagResource.js'
import * as batchGetItemValidation from 'dynalite/validations/batchGetItem.js'
import * as getItemValidation from 'dynalite/validations/getItem.js'
import * as listTablesValidation from 'dynalite/validations/listTables.js'
import * as listTagsOfResourceValidation from 'dynalite/validations/listTagsOfResource.js'
import * as queryValidation from 'dynalite/validations/query.js'
import * as scanValidation from 'dynalite/validations/scan.js'
import * as tagResourceValidation from 'dynalite/validations/tagResource.js'
import * as untagResourceValidation from 'dynalite/validations/untagResource.js'
import { InjectedFault, LostReply, withFaults } from '../faults/apply-faults.ts'
import type { FaultInjector } from '../faults/fault-injector.ts'
import type { FaultService } from '../faults/fault-rules.ts'
import type { RequestHandler } from '../gateway.ts'
import type { Action } from './actions/action.ts'
import { batchWriteItem } from './actions/batch-write-item.ts'
import { createTable } from './actions/create-table.ts'
import { deleteItem } from './actions/delete-item.ts'
import { deleteTable } from './actions/delete-table.ts'
import { describeTable } from './actions/describe-table.ts'
import { describeTimeToLive } from './actions/describe-time-to-live.ts'
import { dynalitePassthrough } from './actions/dynalite-passthrough.ts'
import { putItem } from './actions/put-item.ts'
import { transactGetItems } from './actions/transact-get-items.ts'
import { transactWriteItems } from './actions/transact-write-items.ts'
import { updateItem } from './actions/update-item.ts'
import { updateTable } from './actions/update-table.ts'
import { updateTimeToLive } from './actions/update-time-to-live.ts'
import type { LayerContext } from './context.ts'
import {
  DynamoDbError,
  dynamoDbErrorType,
  isDynaliteError,
  unsupportedOperation,
} from './errors.ts'
import { describeStream } from './streams/describe-stream.ts'
import { getRecords } from './streams/get-records.ts'
import { getShardIterator } from './streams/get-shard-iterator.ts'
import { listStreams } from './streams/list-streams.ts'

/** Every DynamoDB operation the embedded DynamoDB serves. */
const dynamoDbActions: Readonly<Record<string, Action>> = {
  BatchGetItem: dynalitePassthrough(batchGetItemValidation, batchGetItemAction),
  BatchWriteItem: batchWriteItem,
  CreateTable: createTable,
  DeleteItem: deleteItem,
  DeleteTable: deleteTable,
  DescribeTable: describeTable,
  DescribeTimeToLive: describeTimeToLive,
  GetItem: dynalitePassthrough(getItemValidation, getItemAction),
  ListTables: dynalitePassthrough(listTablesValidation, listTablesAction),
  ListTagsOfResource: dynalitePassthrough(listTagsOfResourceValidation, listTagsOfResourceAction),
  PutItem: putItem,
  Query: dynalitePassthrough(queryValidation, queryAction),
  Scan: dynalitePassthrough(scanValidation, scanAction),
  TagResource: dynalitePassthrough(tagResourceValidation, tagResourceAction),
  TransactGetItems: transactGetItems,
  TransactWriteItems: transactWriteItems,
  UntagResource: dynalitePassthrough(untagResourceValidation, untagResourceAction),
  UpdateItem: updateItem,
  UpdateTable: updateTable,
  UpdateTimeToLive: updateTimeToLive,
}

/** Every DynamoDB Streams operation. */
const dynamoDbStreamsActions: Readonly<Record<string, Action>> = {
  DescribeStream: describeStream,
  GetRecords: getRecords,
  GetShardIterator: getShardIterator,
  ListStreams: listStreams,
}

/** The operations served, for fault injection's check of the rules it is given. */
export const dynamoDbOperations = Object.keys(dynamoDbActions)
export const dynamoDbStreamsOperations = Object.keys(dynamoDbStreamsActions)

const services: Record<
  string,
  { name: string; faults: FaultService; actions: Readonly<Record<string, Action>> }
> = {
  DynamoDB_20120810: { name: 'DynamoDB', faults: 'dynamodb', actions: dynamoDbActions },
  DynamoDBStreams_20120810: {
    name: 'DynamoDB Streams',
    faults: 'streams',
    actions: dynamoDbStreamsActions,
  },
}

/**
 * The HTTP side of the layer: reads a JSON-protocol request, runs the operation its
 * X-Amz-Target names (under `faults`, when it injects any), and writes the result or the
 * error as DynamoDB does; a lost reply resets the connection after the operation ran.
 */
export function createDynamoDbRouter(
  context: LayerContext,
  faults?: FaultInjector,
): RequestHandler {
  return (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      dispatch(context, faults, req, Buffer.concat(chunks).toString('utf8')).then(
        (body) => send(res, 200, body),
        (error: unknown) => sendError(res, error),
      )
    })
  }
}

async function dispatch(
  context: LayerContext,
  faults: FaultInjector | undefined,
  req: IncomingMessage,
  body: string,
): Promise<object> {
  const target = String(req.headers['x-amz-target'] ?? '')
  const [prefix = '', operation = ''] = target.split('.')
  const service = services[prefix]
  const action = service?.actions[operation]
  if (!service || !action)
    throw unsupportedOperation(service?.name ?? 'DynamoDB', operation || target)
  let request: unknown
  try {
    request = body ? JSON.parse(body) : undefined
  } catch {
    throw new DynamoDbError('SerializationException', 'The request body is not valid JSON')
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new DynamoDbError('SerializationException', 'The request body must be a JSON object')
  }
  return withFaults(faults, service.faults, operation, request, () => action(context, request))
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body)
  const bytes = Buffer.from(text, 'utf8')
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': bytes.length,
    'x-amzn-requestid': randomUUID(),
    'x-amz-crc32': String(crc32(bytes)),
  })
  res.end(bytes)
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof LostReply) {
    res.destroy()
    return
  }
  if (error instanceof InjectedFault) {
    const { code, message, members, status } = error.error
    send(res, status, { __type: dynamoDbErrorType(code), message, ...members })
    return
  }
  if (error instanceof DynamoDbError) {
    send(res, error.status, {
      __type: dynamoDbErrorType(error.code),
      message: error.message,
      ...error.members,
    })
    return
  }
  if (isDynaliteError(error)) {
    const { __type, message, Message, ...members } = error.body
    send(res, error.statusCode, { __type, message: message ?? Message ?? '', ...members })
    return
  }
  console.error('[embedded DynamoDB] internal error:', error)
  send(res, 500, {
    __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: `The embedded DynamoDB failed: ${error instanceof Error ? error.message : String(error)}`,
  })
}
