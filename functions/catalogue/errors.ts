/** The base of every error the catalogue and the publisher throw. */
export class CatalogueError extends Error {
  override name = 'CatalogueError'
}

/** An event that does not match its schema; `issues` names each field that is wrong. */
export class EventValidationError extends CatalogueError {
  override name = 'EventValidationError'
  readonly issues: readonly string[]
  constructor(what: string, issues: readonly string[], options?: ErrorOptions) {
    super(`${what} is invalid: ${issues.join('; ')}`, options)
    this.issues = issues
  }
}

/** An event whose type and version the catalogue does not define. */
export class UnknownEventError extends CatalogueError {
  override name = 'UnknownEventError'
  readonly eventType: string
  readonly version: number
  constructor(
    eventType: string,
    version: number,
    known: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      `event type '${eventType}' version ${version} is not in the catalogue (known: ${known.join(', ')})`,
      options,
    )
    this.eventType = eventType
    this.version = version
  }
}

/**
 * An event that could not be upcast from one version of its type to the next: the
 * upcaster threw, or what it returned is not a valid event of the newer version.
 */
export class UpcastError extends CatalogueError {
  override name = 'UpcastError'
  readonly eventId: string
  readonly eventType: string
  readonly fromVersion: number
  readonly toVersion: number
  constructor(
    event: { eventId: string; eventType: string },
    fromVersion: number,
    toVersion: number,
    problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      `${event.eventType} event ${event.eventId}: the upcast from v${fromVersion} to v${toVersion} failed: ${problems.join('; ')}`,
      options,
    )
    this.eventId = event.eventId
    this.eventType = event.eventType
    this.fromVersion = fromVersion
    this.toVersion = toVersion
  }
}

/** An event larger than SNS accepts in one publish. */
export class EventTooLargeError extends CatalogueError {
  override name = 'EventTooLargeError'
  readonly bytes: number
  readonly limit: number
  constructor(eventId: string, bytes: number, limit: number) {
    super(
      `event ${eventId} is ${bytes} bytes with its message attributes; SNS accepts at most ${limit}`,
    )
    this.bytes = bytes
    this.limit = limit
  }
}

/** Some events of a publish were not accepted by SNS; `failed` names them and why. */
export class PublishError extends CatalogueError {
  override name = 'PublishError'
  readonly failed: readonly { eventId: string; code: string; message: string }[]
  readonly published: readonly string[]
  constructor(
    failed: readonly { eventId: string; code: string; message: string }[],
    published: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      `${failed.length} event(s) were not published (${published.length} were): ` +
        failed.map((f) => `${f.eventId}: ${f.code} ${f.message}`).join('; '),
      options,
    )
    this.failed = failed
    this.published = published
  }
}
