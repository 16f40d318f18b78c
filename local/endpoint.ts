/**
 * Where the embedded AWS listens by default. In a module of its own so that CLI commands
 * that only talk to an endpoint do not load the emulators to learn the port.
 */
export const defaultPort = 4566 // LocalStack's
export const loopback = '127.0.0.1'
