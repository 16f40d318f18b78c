/**
 * What an append expects of its stream, checked atomically with the write:
 * - `'no-stream'`: the stream has no events (the append starts it at version 1);
 * - `'stream-exists'`: it has at least one;
 * - `'any'`: no check; the events go after whatever is there;
 * - a number n ≥ 0: the stream is exactly at version n (0 is the same as `'no-stream'`).
 */
export type ExpectedVersion = 'no-stream' | 'stream-exists' | 'any' | number
