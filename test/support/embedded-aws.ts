import { afterAll, beforeAll } from 'vitest'
import {
  type EmbeddedAws,
  type EmbeddedAwsOptions,
  startEmbeddedAws,
} from '../../local/embedded-aws.ts'

/**
 * Gives the calling test file its own embedded AWS on a free port, started before its
 * tests and stopped after them. Read `.aws` / `.endpoint` inside tests or hooks.
 */
export function useEmbeddedAws(options: Omit<EmbeddedAwsOptions, 'port'> = {}) {
  let aws: EmbeddedAws | undefined
  beforeAll(async () => {
    aws = await startEmbeddedAws({ ...options, port: 0 })
  })
  afterAll(async () => {
    await aws?.stop()
  })
  return {
    get aws(): EmbeddedAws {
      if (!aws)
        throw new Error(
          'useEmbeddedAws: the embedded AWS is started in beforeAll; use it inside tests or hooks',
        )
      return aws
    },
    get endpoint(): string {
      return this.aws.endpoint
    },
  }
}
