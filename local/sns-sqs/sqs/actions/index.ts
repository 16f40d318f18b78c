import type { SqsAction } from '../sqs-action.ts'
import { changeMessageVisibility, deleteMessage, receiptHandleBatch } from './delete-message.ts'
import { purgeQueue } from './purge-queue.ts'
import {
  createQueue,
  getQueueAttributes,
  listDeadLetterSourceQueues,
  setQueueAttributes,
} from './queue-attributes.ts'
import { receiveMessage } from './receive-message.ts'
import { sendMessage } from './send-message.ts'
import { sendMessageBatch } from './send-message-batch.ts'

/**
 * The SQS actions with AWS rules of our own in front of fauxqs, by action name; an action
 * not listed runs as fauxqs has it. One place to hook per action (fault injection, say).
 */
export const sqsActions: Readonly<Record<string, SqsAction>> = {
  CreateQueue: createQueue,
  SetQueueAttributes: setQueueAttributes,
  GetQueueAttributes: getQueueAttributes,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  PurgeQueue: purgeQueue,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: receiptHandleBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: receiptHandleBatch,
}
