/** How long DynamoDB remembers a TransactWriteItems ClientRequestToken. */
const idempotencyWindowMs = 10 * 60 * 1000

type TokenState =
  | { readonly state: 'in-progress'; readonly fingerprint: string }
  | { readonly state: 'committed'; readonly fingerprint: string; readonly expiresAtMs: number }

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
    fingerprint: string,
    nowMs: number,
  ): 'run' | 'done' | 'mismatch' | 'in-progress' {
    const known = this.#tokens.get(token)
    if (known?.state === 'committed' && known.expiresAtMs <= nowMs) this.#tokens.delete(token)
    else if (known) {
      if (known.fingerprint !== fingerprint) return 'mismatch'
      return known.state === 'committed' ? 'done' : 'in-progress'
    }
    this.#tokens.set(token, { state: 'in-progress', fingerprint })
    return 'run'
  }

  /** The transaction of a claimed token committed: remember it for the idempotency window. */
  committed(token: string, nowMs: number): void {
    const known = this.#tokens.get(token)
    if (known) {
      this.#tokens.set(token, {
        state: 'committed',
        fingerprint: known.fingerprint,
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
