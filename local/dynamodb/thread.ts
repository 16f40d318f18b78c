/**
 * The embedded DynamoDB in a worker thread of its own (see `startDynamoDbThread`): the layer
 * behind an HTTP server on 127.0.0.1 for external clients, and behind MessagePorts (`connect`)
 * for the functions and the stream pollers, which reach it without the main thread or HTTP.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { workerData } from 'node:worker_threads'
import { servePort } from '../wire-service.ts'
import { serveRequests } from '../worker-channel.ts'
import { createDynamoDbLayer, type DynamoDbLayerOptions } from './layer.ts'
import type { ThreadRequest } from './threaded-layer.ts'

await serveRequests<ThreadRequest, unknown, number>('dynamodb/thread.ts', async () => {
  const layer = await createDynamoDbLayer(workerData as DynamoDbLayerOptions)
  const server = createServer({ keepAliveTimeout: 60_000 }, layer.handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    ready: (server.address() as AddressInfo).port,
    async handle(request) {
      if (request.type === 'sweep') return layer.sweepExpiredItems(new Date(request.now))
      if (request.type === 'faults') return layer.setFaults(request.rules).then(() => 0)
      if (request.type === 'fault-report') return layer.faultReport()
      if (request.type === 'counts') return layer.requestCounts()
      if (request.type === 'connect') {
        servePort(request.port, layer.call)
        return 0
      }
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await layer.close()
      return 0
    },
    // Once closed, the port is too, so the thread ends on its own.
    isLast: (request) => request.type === 'close',
  }
})
