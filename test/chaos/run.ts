/**
 * `npm run chaos`: the chaos run at full size (2,000 orders, 10 % transient faults, 2 % lost
 * replies, 1 % poison, 5 % duplicates, one kill -9 mid-run), its reconciliation printed.
 * `npm run chaos -- --orders 300` for a shorter one, `--timeout <seconds>` (default 2400) for
 * a longer wait on a busy machine. Exits 0 only if everything reconciles.
 */
import { parseArgs } from 'node:util'
import { describeChaos, runChaos } from './chaos.ts'

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '2000' },
    kill: { type: 'string', default: 'mid-run' },
    timeout: { type: 'string', default: '2400' },
    json: { type: 'boolean', default: false },
  },
})
const orders = Number(values.orders)
if (!Number.isInteger(orders) || orders < 1) {
  console.error(`--orders takes a number of orders (1 or more), got '${values.orders}'`)
  process.exit(1)
}
const timeoutSeconds = Number(values.timeout)
if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60) {
  console.error(`--timeout takes seconds (60 or more), got '${values.timeout}'`)
  process.exit(1)
}
if (values.kill !== 'mid-run' && values.kill !== 'between-phases') {
  console.error(`--kill is mid-run or between-phases, got '${values.kill}'`)
  process.exit(1)
}
const summary = await runChaos({
  orders,
  kill: values.kill,
  timeoutSeconds,
  progress: (line) => process.stderr.write(`${line}\n`),
})
console.log(values.json ? JSON.stringify(summary) : describeChaos(summary))
process.exit(summary.ok ? 0 : 1)
