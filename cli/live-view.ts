import { localDefaults, loopback } from '../local/defaults.ts'
import { consoleUrlOf } from './console/console-server.ts'
import type { ConsumerStatus } from './consumer-status.ts'
import { statusTable } from './status-table.ts'

export interface LiveViewState {
  readonly endpoint: string
  readonly topicArn: string
  readonly region: string
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
  return [
    `event-pipeline on ${s.endpoint} · up ${s.uptimeSeconds}s · demo orders ${s.ratePerSecond}/s (${s.ordersPublished} orders, ${s.eventsPublished} events) · deliveries ${s.delivered}/${s.expected}`,
    '',
    statusTable(s.consumers),
    '',
    `Console: ${consoleUrlOf(s.endpoint)}`,
    'In another terminal, at the repository root:',
    ...secondTerminalHints(s).map((command) => `  ${command}`),
    `Function logs: ${s.logPath} · Ctrl-C stops.`,
  ].join('\n')
}

/**
 * Commands that work when pasted into a new terminal at the repository root, as they
 * stand: no variable to set first (the aws CLI gets the embedded AWS's test credentials
 * inline), `--endpoint` only when the port is not the default one.
 */
export function secondTerminalHints(
  s: Pick<LiveViewState, 'endpoint' | 'topicArn' | 'region'>,
): string[] {
  const endpoint =
    s.endpoint === `http://${loopback}:${localDefaults.port}` ? '' : ` --endpoint ${s.endpoint}`
  const attributes = JSON.stringify({
    eventType: { DataType: 'String', StringValue: 'order.placed' },
    version: { DataType: 'String', StringValue: '1' },
  })
  return [
    `npx pipeline status --watch${endpoint}`,
    `npx pipeline publish order.placed --data @examples/order-placed.json${endpoint}`,
    `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --region ${s.region} --endpoint-url ${s.endpoint} sns publish --topic-arn ${s.topicArn} --message file://examples/order-placed.event.json --message-attributes '${attributes}'`,
  ]
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
