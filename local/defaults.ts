/**
 * Every default of the embedded AWS and of local Lambda, declared here and nowhere else;
 * options override them. A module of its own that imports nothing, so that CLI commands
 * that only talk to an endpoint do not load the emulators to learn the port.
 */
export const localDefaults = {
  /** TCP port of the embedded AWS on 127.0.0.1 (LocalStack's). @default 4566 */
  port: 4566,
  /**
   * Region of ARNs, queue URLs and stream records when a request names none, and of the
   * SDK clients local tooling builds for the emulator. @default 'us-east-1'
   */
  region: 'us-east-1',
  /** Concurrent batches of an SQS mapping without `ScalingConfig.MaximumConcurrency`. @default 2 */
  sqsConcurrency: 2,
  /**
   * The most concurrent batches (so execution environments) any one mapping gets locally;
   * why 2: docs/decisions/0001-local-concurrency-cap-per-mapping.md. @default 2
   */
  maxConcurrencyPerMapping: 2,
  /** Long-poll wait of the SQS pollers' ReceiveMessage, in seconds (Lambda's). @default 20 */
  longPollSeconds: 20,
  /**
   * How long an execution environment may take to load its handler, in ms (Lambda: 10 s;
   * local cold starts on two cores share the CPU). @default 60000
   */
  initTimeoutMs: 60_000,
  /** How often a stream poller reads an idle shard, in ms (Lambda: 4 times a second). @default 250 */
  streamPollIntervalMs: 250,
  /** How often a stream poller describes its stream to find new shards, in ms. @default 5000 */
  shardDiscoveryMs: 5000,
} as const

/** The one address the embedded AWS listens on (not a default: it never listens elsewhere). */
export const loopback = '127.0.0.1'
