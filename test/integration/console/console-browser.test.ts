import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { PublishCommand } from '@aws-sdk/client-sns'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consoleMount,
  consoleOrigins,
  consoleUrlOf,
  createConsole,
} from '../../../cli/console/console-server.ts'
import { pipelineReader } from '../../../cli/readers/index.ts'
import { CONSUMERS } from '../../../contracts/consumers.ts'
import { eventMessageAttributes } from '../../../contracts/message-attributes.ts'
import { createPublisher } from '../../../functions/catalogue/index.ts'
import { startTracing, stopTracing } from '../../../functions/tracing/index.ts'
import { type DemoPipeline, startDemoPipeline } from '../../support/demo-pipeline.ts'

/**
 * The console in a real headless Chromium (Debian's, driven by playwright-core), against the
 * pipeline as `npm start` runs it: the topology shows every resource of the template, an
 * order published from the page shows in the flow and its trace shows every consumer, a
 * poison message shows in the DLQ browser and a redrive from the page sends it back to its
 * consumer. Screenshots go to test-output/console/.
 */
const browserPath = findChromium()
const shots = new URL('../../../test-output/console/', import.meta.url).pathname
let demo: DemoPipeline
let browser: Browser
let page: Page
let url: string

function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined
    } catch {}
  }
  return undefined
}

if (!browserPath) {
  console.warn(
    'console browser test skipped: no chromium on PATH (apt-get install chromium, or set CHROMIUM_PATH)',
  )
}

describe.skipIf(!browserPath)('the console in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true })
    await startTracing({ OTEL_TRACES_EXPORTER: 'in-process' }, 'pipeline-dev')
    const mount = consoleMount()
    demo = await startDemoPipeline({ tracing: true, routes: mount.routes })
    const reader = pipelineReader(demo.target)
    const pipelineConsole = createConsole({
      reader,
      resources: demo.resources,
      publisher: createPublisher({
        topicArn: demo.resources.eventTopicArn,
        sns: demo.target.clients.sns,
      }),
      origins: consoleOrigins(demo.pipeline.aws.endpoint),
    })
    mount.attach(pipelineConsole)
    url = consoleUrlOf(demo.pipeline.aws.endpoint)
    browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] })
    page = await browser.newPage({ viewport: { width: 1600, height: 1100 } })
    await page.goto(url)
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await demo?.stop()
    await stopTracing()
  })

  it('draws every resource of the template', async () => {
    const template = await pipelineReader(demo.target).stackTemplate()
    await page.locator('#topology-graph svg').waitFor()
    const shown = await page
      .locator('[data-logical-id]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-logical-id')))
    expect(new Set(shown)).toEqual(new Set(Object.keys(template.resources)))
    await page.screenshot({ path: `${shots}topology.png`, fullPage: true })
  })

  it('shows an order published from the page in the flow, and its trace through every consumer', async () => {
    await page.locator('#publish-type').selectOption({ label: 'order.placed v1' })
    const payload = JSON.parse(await page.locator('#publish-payload').inputValue())
    await page
      .locator('#publish-payload')
      .fill(JSON.stringify({ ...payload, orderId: `browser-${Date.now()}` }))
    await page.locator('#publish-form button[type=submit]').click()
    const published = page.locator('#publish-result [data-event-id]')
    await published.waitFor({ timeout: 20_000 })
    const eventId = await published.getAttribute('data-event-id')
    // The flow: every consumer of order.placed counts it.
    const consumers = Object.values(CONSUMERS)
      .filter((c) => Object.hasOwn(c.events, 'order.placed'))
      .map((c) => c.name)
    for (const consumer of consumers) {
      await expect
        .poll(
          () =>
            page
              .locator(`#flow-charts [data-consumer="${consumer}"] .legend .processed`)
              .textContent(),
          { timeout: 60_000, interval: 1000 },
        )
        .toMatch(/^processed [1-9]/)
    }
    await page.screenshot({ path: `${shots}flow.png`, fullPage: true })
    // The trace, from the page's own button: processed by each, with spans.
    await expect
      .poll(
        async () => {
          await published.locator('button').click()
          await page.locator('#trace-result table').waitFor({ timeout: 20_000 })
          return page
            .locator('#trace-result tr[data-state="processed"]')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-consumer')))
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toEqual(expect.arrayContaining(consumers))
    await expect
      .poll(() => page.locator('#trace-result .waterfall .row').count())
      .toBeGreaterThan(consumers.length)
    expect(await page.locator('#trace-event-id').inputValue()).toBe(eventId)
    await page.locator('#trace').screenshot({ path: `${shots}trace.png` })
  }, 180_000)

  it('lists a poison message in the DLQ browser, and a redrive from the page sends it back', async () => {
    // An order.placed whose payload no consumer accepts: each dead-letters it at once.
    const eventId = `poison-${Date.now()}`
    await demo.target.clients.sns.send(
      new PublishCommand({
        TopicArn: demo.resources.eventTopicArn,
        Message: JSON.stringify({
          eventId,
          eventType: 'order.placed',
          version: 1,
          timestamp: new Date().toISOString(),
          source: 'test',
          correlationId: eventId,
          payload: { orderId: 'poison' },
        }),
        MessageAttributes: eventMessageAttributes({ eventType: 'order.placed', version: 1 }),
      }),
    )
    const row = page.locator(`#dlq-list [data-consumer="inventory"] tr[data-event-id="${eventId}"]`)
    await row.waitFor({ timeout: 60_000 })
    await page.locator('#dead-letters').screenshot({ path: `${shots}dead-letters.png` })
    // Which message holds it on the DLQ: a redriven one that fails again comes back as another.
    const inventory = demo.resources.consumers.find((c) => c.name === 'inventory')!
    const reader = pipelineReader(demo.target)
    const onDlq = async () =>
      (await reader.deadLetters(inventory.deadLetterQueueUrl, 'dlq', 100))
        .filter((m) => m.eventId === eventId)
        .map((m) => m.messageId)
    const [before] = await onDlq()
    await row.locator('button.redrive-one').click()
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 20_000 })
      .toBe('redrove 1 message of inventory')
    // The figures' poll (every 2 s) writes its own line, not over what the redrive said.
    await page.waitForTimeout(2_500)
    expect(await page.locator('#status').textContent()).toBe('redrove 1 message of inventory')
    expect(await page.locator('#live').textContent()).toMatch(/^live · /)
    // Back on its queue, the consumer received it again and, still poison, dead-lettered it anew.
    await expect
      .poll(onDlq, { timeout: 30_000, interval: 1000 })
      .toEqual([expect.not.stringMatching(`^${before}$`)])
    await page.screenshot({ path: `${shots}after-redrive.png`, fullPage: true })
  }, 120_000)
})
