/**
 * The embedded DynamoDB in a worker thread of its own (see `startDynamoDbThread`): the layer
 * behind an HTTP server on 127.0.0.1, so that the SDK clients that call it most (the
 * functions' and the stream pollers') reach it without going through the main thread.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import { createDynamoDbLayer, type DynamoDbLayerOptions } from './layer.ts'
import type { ThreadReply, ThreadRequest } from './threaded-layer.ts'

const port = parentPort
if (!port) throw new Error('thread.ts runs in a worker thread started by startDynamoDbThread')
const post = (message: ThreadReply) => port.postMessage(message)

try {
  const layer = await createDynamoDbLayer(workerData as DynamoDbLayerOptions)
  const server = createServer({ keepAliveTimeout: 60_000 }, layer.handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  port.on('message', async (message: ThreadRequest) => {
    try {
      if (message.type === 'sweep') {
        const deleted = await layer.sweepExpiredItems(new Date(message.now))
        post({ type: 'reply', id: message.id, result: deleted })
      } else {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await layer.close()
        post({ type: 'reply', id: message.id, result: 0 })
        port.close()
      }
    } catch (error) {
      post({ type: 'reply', id: message.id, error: (error as Error).message ?? String(error) })
    }
  })
  post({ type: 'ready', port: (server.address() as AddressInfo).port })
} catch (error) {
  post({ type: 'init-error', message: (error as Error).message ?? String(error) })
}
