import { canonicalJson } from './canonical-json.ts'

/** How long DynamoDB remembers a TransactWriteItems ClientRequestToken. */
const idempotencyWindowMs = 10 * 60 * 1000

type TokenState =
  | { readonly state: 'in-progress'; readonly request: string }
  | { readonly state: 'committed'; readonly request: string; readonly expiresAtMs: number }

/**
 * The ClientRequestTokens of TransactWriteItems: a token whose transaction committed within the
 * last 10 minutes makes a repeat of the same request a no-op, and a different request with it
 * an IdempotentParameterMismatchException. Kept in memory only: a restart forgets them.
 */
export class TransactionTokens {
  readonly #tokens = new Map<string, TokenState>()

  /**
   * What to do with a request carrying `token`: run it, answer it as already done, or reject it
   * because the token is in use by a different request or by one still running.
   */
  claim(
    token: string,
    request: unknown,
    nowMs: number,
  ): 'run' | 'done' | 'mismatch' | 'in-progress' {
    // Kept as its JSON text: a repeat is almost always the same text (an SDK retry), and only
    // a repeat pays for the comparison in canonical form; every SDK request carries a token,
    // so canonicalizing each one cost the transactions 2 % of the pipeline's CPU.
    const text = JSON.stringify(request)
    const known = this.#tokens.get(token)
    if (known?.state === 'committed' && known.expiresAtMs <= nowMs) this.#tokens.delete(token)
    else if (known) {
      if (!sameRequest(known.request, text, request)) return 'mismatch'
      return known.state === 'committed' ? 'done' : 'in-progress'
    }
    this.#tokens.set(token, { state: 'in-progress', request: text })
    return 'run'
  }

  /** The transaction of a claimed token committed: remember it for the idempotency window. */
  committed(token: string, nowMs: number): void {
    const known = this.#tokens.get(token)
    if (known) {
      this.#tokens.set(token, {
        state: 'committed',
        request: known.request,
        expiresAtMs: nowMs + idempotencyWindowMs,
      })
    }
  }

  /** The transaction of a claimed token did not commit: the token is free again. */
  failed(token: string): void {
    if (this.#tokens.get(token)?.state === 'in-progress') this.#tokens.delete(token)
  }

  /** Forgets tokens whose window has passed. */
  expire(nowMs: number): void {
    for (const [token, known] of this.#tokens) {
      if (known.state === 'committed' && known.expiresAtMs <= nowMs) this.#tokens.delete(token)
    }
  }
}

/**
 * The same request whatever the order of its objects' keys (JSON objects are unordered; an SDK
 * may send an item's attributes in any order).
 */
function sameRequest(knownText: string, text: string, request: unknown): boolean {
  return knownText === text || canonicalJson(JSON.parse(knownText)) === canonicalJson(request)
}
