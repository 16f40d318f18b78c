import { randomUUID } from 'node:crypto'
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
import type { AwsWireRequest, AwsWireResponse } from '../../contracts/local-transport.ts'
import { faultsFor, InjectedFault, LostReply, withFaults } from '../faults/apply-faults.ts'
import type { FaultInjector } from '../faults/fault-injector.ts'
import type { FaultService } from '../faults/fault-rules.ts'
import type { RequestCounts, WireService } from '../wire-service.ts'
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
import { requestUnits } from './request-units.ts'
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
 * The layer's one entry, whichever way a request arrives (HTTP or the in-process transport):
 * runs the operation its X-Amz-Target names (under `faults`, when it injects any) and answers
 * with the result or the error as DynamoDB writes them; a lost reply rejects with `LostReply`
 * after the operation ran, for the transport to drop. Counts what it served, by operation.
 */
export function createDynamoDbService(
  context: LayerContext,
  counts: RequestCounts,
  faults?: FaultInjector,
): WireService {
  return async (request) => {
    try {
      return reply(200, await dispatch(context, faults, request, counts))
    } catch (error) {
      if (error instanceof LostReply) throw error
      return errorReply(error)
    }
  }
}

type Json = Record<string, unknown>

async function dispatch(
  context: LayerContext,
  faults: FaultInjector | undefined,
  wire: AwsWireRequest,
  counts: RequestCounts,
): Promise<object> {
  const target = wire.headers['x-amz-target'] ?? ''
  const [prefix = '', operation = ''] = target.split('.')
  const service = services[prefix]
  const action = service?.actions[operation]
  if (!service || !action)
    throw unsupportedOperation(service?.name ?? 'DynamoDB', operation || target)
  counts.add(`${service.name}.${operation}`)
  let request: unknown
  try {
    request = wire.body ? JSON.parse(wire.body) : undefined
  } catch {
    throw new DynamoDbError('SerializationException', 'The request body is not valid JSON')
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new DynamoDbError('SerializationException', 'The request body must be a JSON object')
  }
  const result = await withFaults(
    faultsFor(faults, wire.headers),
    service.faults,
    operation,
    request,
    () => action(context, request),
  )
  if (service.name === 'DynamoDB') {
    // The total and each table's share (`DynamoDB.WRU <table>`): the bill tells them apart.
    for (const units of requestUnits(operation, request as Json, result as Json)) {
      if (units.write > 0) {
        counts.add('DynamoDB.WRU', units.write)
        counts.add(`DynamoDB.WRU ${units.table}`, units.write)
      }
      if (units.read > 0) {
        counts.add('DynamoDB.RRU', units.read)
        counts.add(`DynamoDB.RRU ${units.table}`, units.read)
      }
    }
  }
  return result
}

function reply(status: number, body: object): AwsWireResponse {
  const text = JSON.stringify(body)
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      'x-amz-crc32': String(crc32(text)),
    },
    body: text,
  }
}

function errorReply(error: unknown): AwsWireResponse {
  if (error instanceof InjectedFault) {
    const { code, message, members, status } = error.error
    return reply(status, {
      __type: dynamoDbErrorType(code),
      message,
      ...members,
    })
  }
  if (error instanceof DynamoDbError) {
    return reply(error.status, {
      __type: dynamoDbErrorType(error.code),
      message: error.message,
      ...error.members,
    })
  }
  if (isDynaliteError(error)) {
    const { __type, message, Message, ...members } = error.body
    return reply(error.statusCode, { __type, message: message ?? Message ?? '', ...members })
  }
  console.error('[embedded DynamoDB] internal error:', error)
  return reply(500, {
    __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: `The embedded DynamoDB failed: ${error instanceof Error ? error.message : String(error)}`,
  })
}
