/**
 * What the embedded SQS's rules (local/sns-sqs/sqs/actions/ and rules/: AWS's validation,
 * AWSTraceHeader, dead-letter marks) cost on the ceiling the pipeline bench measures: send
 * (batches of 10) → receive (10, long poll) → delete (batch) on one queue, over HTTP, each
 * message with an attribute as the pipeline's carry theirs (so the attribute rules and the
 * MD5 of what is returned are in the loop), with the rules on and off (`sqsRules: false`:
 * every action straight to fauxqs's handler, through the same layer and wire), in one
 * process. Rounds alternate on/off/off/on… so that a change in the machine's load falls on
 * both alike; each round is a fresh SNS/SQS on its own port.
 *
 * BENCH_SQS_MESSAGES (default 5000) messages a round, BENCH_SQS_ROUNDS (default 3) rounds
 * of each. Issue 13's bar: the rules cost under 10% (on ÷ off ≥ 0.90 in messages/s).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, loadavg } from 'node:os'
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs'
import { emulatorClientConfig } from '../../local/client-config.ts'
import { createSnsSqs } from '../../local/sns-sqs/fauxqs.ts'
import { sendReceiveDelete } from './sqs-ceiling.ts'

const messages = Number(process.env.BENCH_SQS_MESSAGES ?? 5000)
const rounds = Number(process.env.BENCH_SQS_ROUNDS ?? 3)
const deadlineMs = 120_000

interface Round {
  readonly perSecond: number
  /** CPU of the whole process (SQS and its client alike) per message, in µs. */
  readonly cpuMicrosPerMessage: number
  readonly load: number
}

/** One round of the send → receive → delete loop against a fresh SNS/SQS. */
async function round(rules: boolean): Promise<Round> {
  const snsSqs = await createSnsSqs({ sqsRules: rules })
  const server = createServer(snsSqs.handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const sqs = new SQSClient(emulatorClientConfig(`http://127.0.0.1:${port}`))
  try {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `rules-${rules ? 'on' : 'off'}` }),
    )
    const load = loadavg()[0] ?? 0
    const cpu = process.cpuUsage()
    const { done, seconds } = await sendReceiveDelete(sqs, QueueUrl as string, messages, {
      deadlineMs,
      attributes: { eventType: { DataType: 'String', StringValue: 'order.placed' } },
    })
    const { user, system } = process.cpuUsage(cpu)
    if (done < messages) throw new Error(`only ${done} of ${messages} messages in ${seconds} s`)
    return { perSecond: done / seconds, cpuMicrosPerMessage: (user + system) / done, load }
  } finally {
    sqs.destroy()
    await new Promise((resolve) => server.close(resolve))
    await snsSqs.close()
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// A warm-up of each, not counted: the first round pays for JIT and connections.
await round(true)
await round(false)
const results = { on: [] as Round[], off: [] as Round[] }
for (let i = 0; i < rounds; i++) {
  // on, off, off, on, on, off…: each side goes first as often as the other.
  const order = i % 2 === 0 ? [true, false] : [false, true]
  for (const rules of order) results[rules ? 'on' : 'off'].push(await round(rules))
}
const show = (name: string, r: readonly Round[]) =>
  `${name}: ${median(r.map((x) => x.perSecond)).toFixed(0)} messages/s (rounds ${r.map((x) => x.perSecond.toFixed(0)).join(', ')}), ${median(r.map((x) => x.cpuMicrosPerMessage)).toFixed(0)} µs CPU/message`
console.log(`embedded SQS send→receive→delete, ${messages} messages a round, ${rounds} rounds each`)
console.log(`  ${show('rules on ', results.on)}`)
console.log(`  ${show('rules off', results.off)}`)
const rate =
  median(results.on.map((x) => x.perSecond)) / median(results.off.map((x) => x.perSecond))
const cpu =
  median(results.on.map((x) => x.cpuMicrosPerMessage)) /
  median(results.off.map((x) => x.cpuMicrosPerMessage))
const loads = [...results.on, ...results.off].map((x) => x.load)
console.log(
  `ratio: rules on ÷ off = ${rate.toFixed(3)} in messages/s (the rules cost ${((1 - rate) * 100).toFixed(1)}%; bar: under 10%), ${cpu.toFixed(3)} in CPU/message; load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores`,
)
