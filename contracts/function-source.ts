/**
 * Where a function's TypeScript source is: PipelineFunction (lib/) writes it into each
 * function resource's CloudFormation metadata, the local Lambda runner (local/) reads it to
 * run the handler from source.
 */

/** The metadata key of a function resource that holds its {@link FunctionSourceMetadata}. */
export const SOURCE_METADATA_KEY = 'EventPipeline'

/** The value under {@link SOURCE_METADATA_KEY} on every function resource. */
export interface FunctionSourceMetadata {
  /** Repository-relative path of the TypeScript entry, with forward slashes. */
  readonly entry: string
  /** The exported handler name in the entry. */
  readonly handler: string
}
