import { localDefaults } from './defaults.ts'

/**
 * SDK v3 client configuration for an emulated endpoint (embedded or LocalStack): its
 * endpoint, a region, and the dummy credentials emulators accept.
 */
export function emulatorClientConfig(endpoint: string, region: string = localDefaults.region) {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  }
}
