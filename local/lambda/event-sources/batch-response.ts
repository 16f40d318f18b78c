/**
 * How Lambda reads a function's response when the mapping has `ReportBatchItemFailures`:
 * the identifiers of the records that failed, or `'batch'` when the response makes the
 * whole batch a failure. Complete success: a null or empty response (`''`, `[]`), or a null or
 * empty `batchItemFailures`. Complete failure: a response that is not an object, a
 * `batchItemFailures` that is not a list, or an item whose `itemIdentifier` is missing,
 * null, empty, not a string, or not one of the batch's records.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
export function failedItems(
  response: unknown,
  batchIdentifiers: ReadonlySet<string>,
): ReadonlySet<string> | 'batch' {
  if (response === null || response === undefined || response === '') return new Set()
  // An empty list is an empty EventResponse to Lambda's deserializer: a success on AWS.
  if (Array.isArray(response)) return response.length === 0 ? new Set() : 'batch'
  if (typeof response !== 'object') return 'batch'
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures
  if (list === null || list === undefined) return new Set()
  if (!Array.isArray(list)) return 'batch'
  const failed = new Set<string>()
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier
    if (typeof id !== 'string' || id === '' || !batchIdentifiers.has(id)) return 'batch'
    failed.add(id)
  }
  return failed
}
