import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import dynalite from 'dynalite'
import type { RequestHandler } from '../gateway.ts'

export interface DynaliteOptions {
  /** Folder for the LevelDB store. @default - in memory */
  readonly dataDir?: string
  /** How long a new table stays CREATING, in ms. @default 0 */
  readonly createTableMs?: number
}

export interface Dynalite {
  readonly handler: RequestHandler
  close(): Promise<void>
}

/**
 * dynalite in process: its HTTP request listener is called directly by our gateway, so it
 * never listens on a socket of its own.
 */
export function createDynalite(options: DynaliteOptions = {}): Dynalite {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })
  const server: Server = dynalite({
    path: options.dataDir,
    createTableMs: options.createTableMs ?? 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  })
  const listener = server.listeners('request')[0] as RequestHandler
  return {
    handler: listener,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
