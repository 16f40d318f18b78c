import type { FauxqsMessage, FauxqsSqsStore } from './fauxqs-sqs.ts'

/** The part of fauxqs's PersistenceManager (persistence.js) the system attributes ride on. */
export interface FauxqsMessagePersistence {
  readonly db: {
    exec(sql: string): void
    prepare(sql: string): { run(...values: unknown[]): unknown; all(): unknown[] }
  }
  insertMessage(queueName: string, message: FauxqsMessage): void
}

/** Where fauxqs keeps a queue's messages (sqs/sqsStore.js): ready, delayed, in flight, per FIFO group. */
interface FauxqsQueueMessages {
  readonly messages: readonly FauxqsMessage[]
  readonly delayedMessages: readonly FauxqsMessage[]
  readonly inflightMessages: ReadonlyMap<string, { message: FauxqsMessage }>
  readonly fifoMessages: ReadonlyMap<string, readonly FauxqsMessage[]>
  readonly fifoDelayed: ReadonlyMap<string, readonly FauxqsMessage[]>
}

/**
 * A message's AWSTraceHeader and DeadLetterQueueSourceArn, which fauxqs's SQLite schema has
 * no column for, kept with a `--data-dir` as AWS keeps them: in a table of ours beside
 * fauxqs's sqs_messages in its database, written with each message fauxqs writes (a send, a
 * publish, a move to a dead-letter queue), gone with it (a foreign key that cascades from a
 * delete, a purge, a queue's deletion), and put back on the messages fauxqs loads.
 *
 * Call before fauxqs loads its stores (the table must exist) and `restore` after.
 */
export function persistSystemAttributes(persistence: FauxqsMessagePersistence) {
  const { db } = persistence
  db.exec(`CREATE TABLE IF NOT EXISTS event_pipeline_sqs_system_attributes (
    message_id TEXT PRIMARY KEY REFERENCES sqs_messages(message_id) ON DELETE CASCADE,
    aws_trace_header TEXT,
    dead_letter_queue_source_arn TEXT
  )`)
  const write = db.prepare(
    'INSERT OR REPLACE INTO event_pipeline_sqs_system_attributes (message_id, aws_trace_header, dead_letter_queue_source_arn) VALUES (?, ?, ?)',
  )
  const insertMessage = persistence.insertMessage.bind(persistence)
  persistence.insertMessage = (queueName, message) => {
    insertMessage(queueName, message)
    if (message.awsTraceHeader || message.deadLetterQueueSourceArn) {
      write.run(
        message.messageId,
        message.awsTraceHeader ?? null,
        message.deadLetterQueueSourceArn ?? null,
      )
    }
  }
  return {
    /** Puts the kept attributes back on the messages fauxqs loaded into `store`. */
    restore(store: FauxqsSqsStore): void {
      const rows = db.prepare('SELECT * FROM event_pipeline_sqs_system_attributes').all() as {
        message_id: string
        aws_trace_header: string | null
        dead_letter_queue_source_arn: string | null
      }[]
      if (rows.length === 0) return
      const byId = new Map(rows.map((row) => [row.message_id, row]))
      for (const queue of store.allQueues()) {
        for (const message of messagesOf(queue as unknown as FauxqsQueueMessages)) {
          const row = byId.get(message.messageId)
          if (row?.aws_trace_header) message.awsTraceHeader = row.aws_trace_header
          if (row?.dead_letter_queue_source_arn)
            message.deadLetterQueueSourceArn = row.dead_letter_queue_source_arn
        }
      }
    },
  }
}

function* messagesOf(queue: FauxqsQueueMessages): Iterable<FauxqsMessage> {
  yield* queue.messages
  yield* queue.delayedMessages
  for (const { message } of queue.inflightMessages.values()) yield message
  for (const group of queue.fifoMessages.values()) yield* group
  for (const group of queue.fifoDelayed.values()) yield* group
}
