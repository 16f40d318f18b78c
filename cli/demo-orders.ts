import { randomInt, randomUUID } from 'node:crypto'
import {
  createEvent,
  type EventEnvelope,
  OrderCancelledV2,
  OrderPlacedV1,
} from '../functions/catalogue/index.ts'
import { DECLINED_CUSTOMER } from '../functions/consumers/payments/card-provider.ts'
import { CliError } from './cli-error.ts'

/** The SKUs demo orders buy; `pipeline dev` stocks them (demo-stock.ts). */
export const demoSkus = [
  'SKU-KETTLE',
  'SKU-MUG',
  'SKU-TEA-500G',
  'SKU-FILTER',
  'SKU-GRINDER',
  'SKU-SCALE',
] as const
/** A SKU with little stock: only out-of-stock demo orders ask for it, for more than there is. */
export const scarceSku = 'SKU-ROASTER-LIMITED'
/** The scarce SKU's stock; `pipeline dev` stocks it with this many units. */
export const scarceStock = 2
const prices: Record<string, number> = {
  'SKU-KETTLE': 39.9,
  'SKU-MUG': 8.5,
  'SKU-TEA-500G': 12.25,
  'SKU-FILTER': 4.99,
  'SKU-GRINDER': 59,
  'SKU-SCALE': 24.75,
  [scarceSku]: 349,
}

/** Source of the demo events, so they can be told apart from real ones. */
const demoSource = 'pipeline-demo'

/**
 * What share of demo orders take each unhappy branch of the saga (the rest are confirmed):
 * `declined` (the customer whose card is declined), `outOfStock` (more of the scarce SKU
 * than there is), `cancel` (the customer cancels after placing it). Fractions from 0 to 1.
 */
export interface DemoMix {
  readonly declined: number
  readonly outOfStock: number
  readonly cancel: number
}

export const defaultMix: DemoMix = { declined: 0.05, outOfStock: 0.05, cancel: 0.1 }

/** Each branch of a demo order, and the status the saga must settle it in. */
export type DemoBranch = 'confirmed' | 'declined' | 'out-of-stock' | 'cancel'
export const expectedStatus = (branch: DemoBranch) =>
  branch === 'confirmed' ? 'confirmed' : 'cancelled'

/** One demo order: its branch, the order, and the customer's cancellation when it has one. */
export interface DemoOrder {
  readonly branch: DemoBranch
  readonly orderId: string
  readonly placed: EventEnvelope & { readonly payload: { readonly items: readonly DemoLine[] } }
  readonly cancelled?: EventEnvelope
}

interface DemoLine {
  readonly sku: string
  readonly quantity: number
  readonly unitPrice: number
}

const mixNames: Record<string, keyof DemoMix> = {
  declined: 'declined',
  'out-of-stock': 'outOfStock',
  cancel: 'cancel',
}

/** `declined=5%,out-of-stock=5%,cancel=10%` (names left out are 0%) as a {@link DemoMix}. */
export function parseMix(text: string): DemoMix {
  const mix = { declined: 0, outOfStock: 0, cancel: 0 }
  const problems: string[] = []
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const match = /^\s*([a-z-]+)\s*=\s*(\d+(?:\.\d+)?)%\s*$/.exec(part)
    const name = match ? mixNames[match[1]!] : undefined
    if (!match || !name) {
      problems.push(
        `'${part}' is not <branch>=<percent>% with a branch of ${Object.keys(mixNames).join(', ')}`,
      )
      continue
    }
    mix[name] = Number(match[2]) / 100
  }
  const total = mix.declined + mix.outOfStock + mix.cancel
  if (problems.length === 0 && total > 1) {
    problems.push(`the shares add up to ${Math.round(total * 100)}%, more than 100%`)
  }
  if (problems.length > 0) throw new CliError(`--mix ${text}: ${problems.join('; ')}`)
  return mix
}

/**
 * A demo order, built and validated by the catalogue: one to three lines of the demo SKUs,
 * and the branch `mix` picks for it: the declined customer, a line of the scarce SKU beyond
 * its stock, or a cancellation by the customer (published after the order by the caller).
 */
export function demoOrder(
  mix: DemoMix = defaultMix,
  random: () => number = Math.random,
): DemoOrder {
  const r = random()
  const branch: DemoBranch =
    r < mix.declined
      ? 'declined'
      : r < mix.declined + mix.outOfStock
        ? 'out-of-stock'
        : r < mix.declined + mix.outOfStock + mix.cancel
          ? 'cancel'
          : 'confirmed'
  const orderId = `order-${randomUUID().slice(0, 8)}`
  const items: DemoLine[] = Array.from({ length: randomInt(1, 4) }, () => {
    const sku = demoSkus[randomInt(demoSkus.length)] as string
    return { sku, quantity: randomInt(1, 4), unitPrice: prices[sku] as number }
  })
  if (branch === 'out-of-stock') {
    items.push({ sku: scarceSku, quantity: scarceStock + 1, unitPrice: prices[scarceSku]! })
  }
  const cents = items.reduce(
    (sum, line) => sum + line.quantity * Math.round(line.unitPrice * 100),
    0,
  )
  const customerId = branch === 'declined' ? DECLINED_CUSTOMER : `customer-${randomInt(1, 50)}`
  const placed = createEvent(
    OrderPlacedV1,
    { orderId, customerId, items, total: cents / 100 },
    { source: demoSource },
  )
  if (branch !== 'cancel') return { branch, orderId, placed }
  const cancelled = createEvent(
    OrderCancelledV2,
    { orderId, reason: 'customer changed their mind', cancelledBy: 'customer' },
    { source: demoSource, correlationId: placed.correlationId, causationId: placed.eventId },
  )
  return { branch, orderId, placed, cancelled }
}
