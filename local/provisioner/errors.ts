/** The base of every error the provisioner throws. */
class ProvisionError extends Error {
  override name = 'ProvisionError'
}

/** A template construct the provisioner cannot evaluate, named by where it is. */
export class TemplateError extends ProvisionError {
  override name = 'TemplateError'
}

/** An AWS call that created a resource failed. */
export class ResourceCreationError extends ProvisionError {
  override name = 'ResourceCreationError'
  constructor(logicalId: string, type: string, options: ErrorOptions & { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause)
    super(`Could not create ${logicalId} (${type}): ${reason}`, options)
  }
}
