/** The parts of fauxqs's SQS store and queues (sqs/sqsStore.js) our actions read and drive. */
export interface FauxqsMessage {
  readonly messageId: string
  messageAttributes: Record<
    string,
    { DataType: string; StringValue?: string; BinaryValue?: string }
  >
  approximateReceiveCount: number
  /** Ours: the X-Ray trace header sent with the message (AWSTraceHeader). */
  awsTraceHeader?: string
  /** Ours: the queue a message was dead-lettered from (DeadLetterQueueSourceArn). */
  deadLetterQueueSourceArn?: string
}

export interface FauxqsQueue {
  readonly name: string
  readonly url: string
  readonly arn: string
  readonly attributes: Record<string, string>
  readonly inflightMessages: Map<string, { message: FauxqsMessage; visibilityDeadline: number }>
  deduplicationCache: { clear?(): void }
  isFifo(): boolean
  processTimers(): void
  getAttribute(name: string): string | undefined
  enqueue(message: FauxqsMessage): void
}

export interface FauxqsSqsStore {
  getQueue(url: string): FauxqsQueue | undefined
  getQueueByArn(arn: string): FauxqsQueue | undefined
  allQueues(): Iterable<FauxqsQueue>
}

/** fauxqs's action modules (sqs/actions/<file>.js, each exporting <file>), by action. */
export const fauxqsSqsActionFiles = {
  CreateQueue: 'createQueue',
  DeleteQueue: 'deleteQueue',
  GetQueueUrl: 'getQueueUrl',
  ListQueues: 'listQueues',
  GetQueueAttributes: 'getQueueAttributes',
  SetQueueAttributes: 'setQueueAttributes',
  PurgeQueue: 'purgeQueue',
  SendMessage: 'sendMessage',
  ReceiveMessage: 'receiveMessage',
  DeleteMessage: 'deleteMessage',
  SendMessageBatch: 'sendMessageBatch',
  DeleteMessageBatch: 'deleteMessageBatch',
  ChangeMessageVisibility: 'changeMessageVisibility',
  ChangeMessageVisibilityBatch: 'changeMessageVisibilityBatch',
  TagQueue: 'tagQueue',
  UntagQueue: 'untagQueue',
  ListQueueTags: 'listQueueTags',
} as const
