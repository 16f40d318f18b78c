import { environmentRegion, fallbackRegion } from './target.ts'

/** What `npm run deploy:local` hands `cdklocal`, and where the CLI will find the stack. */
export interface CdklocalEnvironment {
  /** The environment for `cdklocal`. */
  readonly env: NodeJS.ProcessEnv
  /** The endpoint it deploys to, or undefined for cdklocal's own default (localhost.localstack.cloud:4566). */
  readonly endpoint: string | undefined
  /** The region it deploys to: the one `pipeline --target localstack` reads. */
  readonly region: string
}

/**
 * The environment in which `cdklocal` 3.x deploys where `pipeline --target localstack` then
 * looks, from the user's environment. cdklocal 3.x (for aws-cdk 2.177 and later):
 *
 * - removes every `AWS_*` variable that is not an endpoint or in `AWS_ENVAR_ALLOWLIST`, so
 *   an exported AWS_REGION is dropped and it deploys to us-east-1 while the CLI reads the
 *   exported region: the region the CLI reads is set here and allowlisted;
 * - ignores `LOCALSTACK_HOSTNAME` (and `EDGE_PORT`, `USE_SSL`): an endpoint given that way,
 *   or as the CLI's `LOCALSTACK_ENDPOINT`, becomes `AWS_ENDPOINT_URL`;
 * - refuses `AWS_ENDPOINT_URL` without `AWS_ENDPOINT_URL_S3`: for a LocalStack on this
 *   machine S3 is `s3.localhost.localstack.cloud` on the same port (bucket subdomains
 *   resolve to 127.0.0.1), elsewhere the same endpoint with path-style requests.
 *
 * With none of these set (only LOCALSTACK_AUTH_TOKEN, for the compose file), cdklocal's
 * defaults apply: LocalStack on port 4566 of this machine, us-east-1, the CLI's defaults too.
 */
export function cdklocalEnvironment(user: NodeJS.ProcessEnv): CdklocalEnvironment {
  const env: NodeJS.ProcessEnv = { ...user }
  const region = environmentRegion(user) ?? fallbackRegion
  env.AWS_REGION = region
  env.AWS_DEFAULT_REGION = region
  const allowed = new Set(
    (user.AWS_ENVAR_ALLOWLIST ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  allowed.add('AWS_REGION').add('AWS_DEFAULT_REGION')

  const endpoint = (
    user.AWS_ENDPOINT_URL ||
    user.LOCALSTACK_ENDPOINT ||
    hostnameEndpoint(user)
  )?.replace(/\/+$/, '')
  if (endpoint) {
    env.AWS_ENDPOINT_URL = endpoint
    if (!user.AWS_ENDPOINT_URL_S3) {
      const url = new URL(endpoint)
      if (['localhost', '127.0.0.1', 'localhost.localstack.cloud'].includes(url.hostname)) {
        env.AWS_ENDPOINT_URL_S3 = `${url.protocol}//s3.localhost.localstack.cloud:${url.port || (url.protocol === 'https:' ? '443' : '80')}`
      } else {
        env.AWS_ENDPOINT_URL_S3 = endpoint
        env.AWS_S3_FORCE_PATH_STYLE = '1'
        allowed.add('AWS_S3_FORCE_PATH_STYLE')
      }
    }
  }
  env.AWS_ENVAR_ALLOWLIST = [...allowed].join(',')
  return { env, endpoint, region }
}

/** The endpoint the older LOCALSTACK_HOSTNAME, EDGE_PORT and USE_SSL describe, if set. */
function hostnameEndpoint(user: NodeJS.ProcessEnv): string | undefined {
  if (!user.LOCALSTACK_HOSTNAME) return undefined
  const protocol = ['1', 'true'].includes(user.USE_SSL ?? '') ? 'https' : 'http'
  return `${protocol}://${user.LOCALSTACK_HOSTNAME}:${user.EDGE_PORT || '4566'}`
}
