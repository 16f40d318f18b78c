import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { sendAwsError } from './aws-errors.ts'

/** The services the embedded AWS serves, each behind one request handler. */
export type Service = 'dynamodb' | 'sns-sqs' | 'sqs-query'

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void

/** Where a request goes, or why it cannot go anywhere. */
export type Route =
  | { readonly service: Service }
  | {
      readonly unroutable: string
      readonly protocol: 'json' | 'query'
      readonly code: string
      readonly status: number
    }

const jsonTargets: Record<string, Service> = {
  DynamoDB_20120810: 'dynamodb',
  DynamoDBStreams_20120810: 'dynamodb',
  AmazonSQS: 'sns-sqs',
}

/** Services named in a SigV4 credential scope that the SNS/SQS emulator answers. */
const queryScopes = new Set(['sns', 'sqs', 'sts', 's3'])

/**
 * Decides which emulator serves a request, from headers alone so the body can stream
 * straight to it: the JSON protocol's X-Amz-Target first, then the SigV4 credential
 * scope, then the Query protocol's form content type (unsigned SNS/STS calls).
 */
export function routeRequest(method: string, url: string, headers: IncomingHttpHeaders): Route {
  const target = header(headers, 'x-amz-target')
  if (target) {
    const prefix = target.split('.')[0] ?? ''
    const service = jsonTargets[prefix]
    if (service) return { service }
    return {
      unroutable: `The embedded AWS does not serve X-Amz-Target '${target}'. It serves DynamoDB (DynamoDB_20120810), DynamoDB Streams (DynamoDBStreams_20120810), SQS (AmazonSQS), and SNS over the Query protocol.`,
      protocol: 'json',
      code: 'UnknownOperationException',
      status: 400,
    }
  }

  const contentType = header(headers, 'content-type') ?? ''
  const scope = credentialScopeService(header(headers, 'authorization'))
  if (scope === 'sqs' && contentType.includes('x-www-form-urlencoded'))
    return { service: 'sqs-query' }
  if (scope && queryScopes.has(scope)) return { service: 'sns-sqs' }
  if (scope === 'dynamodb') {
    return {
      unroutable:
        'A DynamoDB request needs an X-Amz-Target header naming the operation (for example DynamoDB_20120810.PutItem).',
      protocol: 'json',
      code: 'UnknownOperationException',
      status: 400,
    }
  }
  if (scope) {
    return {
      unroutable: `The embedded AWS does not serve the '${scope}' service. It serves SNS, SQS, DynamoDB and DynamoDB Streams.`,
      protocol: contentType.includes('json') ? 'json' : 'query',
      code: 'UnknownServiceException',
      status: 400,
    }
  }
  if (method === 'POST' && contentType.includes('x-www-form-urlencoded'))
    return { service: 'sns-sqs' }
  if (method === 'GET' && (url === '/health' || url.startsWith('/_fauxqs/'))) {
    return { service: 'sns-sqs' }
  }
  return {
    unroutable: `Cannot tell which AWS service '${method} ${url}' is for: send a signed AWS request (an X-Amz-Target header or a SigV4 Authorization header) to this endpoint.`,
    protocol: contentType.includes('json') ? 'json' : 'query',
    code: 'UnrecognizedClientException',
    status: 400,
  }
}

/**
 * Builds the single request handler of the embedded endpoint from one handler per service.
 * `extraRoutes` are local tooling's: a path answers GETs of it (any query string); a path
 * ending in `/` answers every method under it (the console, which has forms to post).
 */
export function createGateway(
  services: Record<Service, RequestHandler>,
  extraRoutes: Record<string, RequestHandler> = {},
): RequestHandler {
  const mounts = Object.entries(extraRoutes).filter(([path]) => path.endsWith('/'))
  return (req, res) => {
    const method = req.method ?? 'GET'
    const url = req.url ?? '/'
    const extra = method === 'GET' ? extraRoutes[url.split('?', 1)[0] ?? url] : undefined
    if (extra) return extra(req, res)
    for (const [path, handler] of mounts) {
      if (url.startsWith(path) || url === path.slice(0, -1)) return handler(req, res)
    }
    const route = routeRequest(method, url, req.headers)
    if ('service' in route) return services[route.service](req, res)
    req.resume()
    sendAwsError(res, route.protocol, route.status, route.code, route.unroutable)
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, ...` → `sqs`. */
export function credentialScopeService(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/)
  return match?.[1]
}
