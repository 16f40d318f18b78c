import { type LocalTransport, sdkTransportConfig } from '../contracts/local-transport.ts'
import { localDefaults } from './defaults.ts'

/**
 * SDK v3 client configuration for an emulated endpoint (embedded or LocalStack): its
 * endpoint, a region, and the dummy credentials emulators accept. With the embedded AWS's
 * in-process `transport`, requests go through it unsigned instead of over HTTP.
 */
export function emulatorClientConfig(
  endpoint: string,
  region: string = localDefaults.region,
  transport?: LocalTransport,
) {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(transport ? sdkTransportConfig(transport) : {}),
  }
}
