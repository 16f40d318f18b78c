import { mkdirSync } from 'node:fs'
import { buildApp } from 'fauxqs'
import type { RequestHandler } from '../gateway.ts'

/** The parts of fauxqs's SQS store the embedded AWS and its tools read. */
export interface SqsStoreView {
  host: string
  region?: string
  allQueues(): Iterable<{
    name: string
    url: string
    arn: string
    getAttribute(name: string): string
  }>
  shutdown(): void
}

export interface SnsSqs {
  readonly handler: RequestHandler
  readonly sqsStore: SqsStoreView
  close(): Promise<void>
}

export interface SnsSqsOptions {
  /** Folder for SQLite persistence of queues, topics, subscriptions and messages. @default - in memory */
  readonly dataDir?: string
  /** Region used when a request does not name one in its credential scope. @default 'us-east-1' */
  readonly defaultRegion?: string
}

/**
 * fauxqs's `startFauxqs` always listens on 0.0.0.0 and builds queue URLs on
 * `sqs.<region>.localhost`, which does not resolve everywhere. We build its Fastify app
 * ourselves and serve it through our 127.0.0.1 gateway, with the stores (and persistence)
 * wired as startFauxqs wires them. The store classes are not in the package's exports map,
 * so they are loaded from its dist folder by path.
 */
export async function createSnsSqs(options: SnsSqsOptions = {}): Promise<SnsSqs> {
  const dist = import.meta.resolve('fauxqs') // …/fauxqs/dist/app.js
  const load = (file: string) => import(new URL(file, dist).href)
  const [{ SqsStore }, { SnsStore }, { S3Store }, { PersistenceManager }] = await Promise.all([
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
    load('persistence.js'),
  ])
  const sqsStore = new SqsStore()
  const snsStore = new SnsStore()
  const s3Store = new S3Store()

  let persistence: { load(...stores: unknown[]): void; close(): void } | undefined
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true })
    persistence = new PersistenceManager(options.dataDir)
    // Load before wiring persistence in, as fauxqs does, so loading does not write back.
    persistence!.load(sqsStore, snsStore, s3Store)
    sqsStore.persistence = persistence
    snsStore.persistence = persistence
    s3Store.persistence = persistence
    for (const queue of sqsStore.allQueues()) queue.persistence = persistence
  }

  const app = buildApp({
    logger: false,
    defaultRegion: options.defaultRegion ?? 'us-east-1',
    stores: { sqsStore, snsStore, s3Store },
  })
  // An empty host makes queue URLs use the Host the client called: http://127.0.0.1:4566/000000000000/name
  sqsStore.host = ''
  await app.ready()

  return {
    handler: (req, res) => app.routing(req, res),
    sqsStore,
    async close() {
      await app.close()
      persistence?.close()
    },
  }
}
