import type { ServerResponse } from 'node:http'

/** What our Fastify preHandler hooks on fauxqs's app read of a request (parsed already). */
export interface HookRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: unknown
}

/** What they use of the reply: taking it over to answer in AWS's wire format themselves. */
export interface HookReply {
  hijack(): unknown
  readonly raw: ServerResponse
}
