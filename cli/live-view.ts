import type { ConsumerStatus } from './consumer-status.ts'
import { statusTable } from './status-table.ts'

export interface LiveViewState {
  readonly endpoint: string
  readonly topicArn: string
  readonly uptimeSeconds: number
  readonly ratePerSecond: number
  readonly ordersPublished: number
  readonly eventsPublished: number
  readonly delivered: number
  readonly expected: number
  readonly logPath: string
  readonly consumers: readonly ConsumerStatus[]
}

/** The screen `pipeline dev` redraws every second. */
export function liveView(s: LiveViewState): string {
  const attributes =
    '\'{"eventType":{"DataType":"String","StringValue":"order.placed"},"version":{"DataType":"String","StringValue":"1"}}\''
  return [
    `event-pipeline on ${s.endpoint} · up ${s.uptimeSeconds}s · demo orders ${s.ratePerSecond}/s (${s.ordersPublished} orders, ${s.eventsPublished} events) · deliveries ${s.delivered}/${s.expected}`,
    '',
    statusTable(s.consumers),
    '',
    'In another terminal:',
    '  npx pipeline status --watch',
    '  npx pipeline publish order.cancelled --data \'{"orderId":"order-1","reason":"changed my mind"}\'',
    `  aws --endpoint-url ${s.endpoint} sns publish --topic-arn ${s.topicArn} --message file://event.json --message-attributes ${attributes}`,
    `Function logs: ${s.logPath} · Ctrl-C stops.`,
  ].join('\n')
}

/** One line for a log that is not a terminal. */
export function liveLine(s: LiveViewState): string {
  const perConsumer = s.consumers
    .map(
      (c) =>
        `${c.consumer} ${c.processed ?? 0} done/${c.visible + c.inFlight} queued/${c.deadLettered} dlq`,
    )
    .join(', ')
  return `[${s.uptimeSeconds}s] ${s.ordersPublished} orders, deliveries ${s.delivered}/${s.expected}; ${perConsumer}`
}
