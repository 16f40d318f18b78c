/**
 * SQS's Query protocol (form-encoded requests, XML responses), translated to and from the
 * JSON protocol that fauxqs speaks. Older clients still use it: Debian's awscli 2.9, boto3
 * before 1.34.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Tree = { [key: string]: Tree | string }

/** Query names of flattened lists and maps, and their JSON member names. */
const jsonName = lookup<string>({
  Attribute: 'Attributes',
  MessageAttribute: 'MessageAttributes',
  MessageSystemAttribute: 'MessageSystemAttributes',
  Tag: 'tags',
  Tags: 'Tags',
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  TagKey: 'TagKeys',
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
  StringListValue: 'StringListValues',
  BinaryListValue: 'BinaryListValues',
})
/** Flattened maps: their entries' key and value member names. */
const mapEntry = lookup<[key: string, value: string]>({
  Attribute: ['Name', 'Value'],
  MessageAttribute: ['Name', 'Value'],
  MessageSystemAttribute: ['Name', 'Value'],
  Tag: ['Key', 'Value'],
  Tags: ['Key', 'Value'],
})
const integers = new Set([
  'MaxNumberOfMessages',
  'VisibilityTimeout',
  'WaitTimeSeconds',
  'DelaySeconds',
  'MaxResults',
])

export interface JsonRequest {
  readonly action: string
  readonly body: Record<string, Json>
}

/** `Action=SendMessage&MessageAttribute.1.Name=…` → `{ action, body: { MessageAttributes: {…} } }`. */
export function queryToJsonRequest(form: URLSearchParams, path: string, host: string): JsonRequest {
  const tree = Object.create(null) as Tree
  for (const [key, value] of form) {
    const parts = key.split('.')
    let node = tree
    for (const part of parts.slice(0, -1)) {
      let next = node[part]
      if (typeof next !== 'object') {
        next = Object.create(null) as Tree
        node[part] = next
      }
      node = next
    }
    node[parts.at(-1)!] = value
  }
  const { Action, Version: _version, ...params } = tree
  if (typeof Action !== 'string' || !Action)
    throw new QueryProtocolError('MissingAction', 'The request must name an Action.')
  const body = convertStructure(params)
  // Old clients address the queue by posting to its URL instead of passing QueueUrl.
  if (body.QueueUrl === undefined && path !== '/' && path !== '')
    body.QueueUrl = `http://${host}${path}`
  return { action: Action, body }
}

function convertStructure(tree: Tree): Record<string, Json> {
  const out = Object.create(null) as Record<string, Json>
  for (const [name, value] of Object.entries(tree)) {
    const target = jsonName(name) ?? name
    if (typeof value === 'string') {
      out[target] = integers.has(name) ? Number(value) : value
    } else if (mapEntry(name)) {
      const [keyName, valueName] = mapEntry(name)!
      const map = Object.create(null) as Record<string, Json>
      for (const entry of indexed(value)) {
        const key = entry[keyName]
        const entryValue = entry[valueName]
        if (typeof key !== 'string' || entryValue === undefined) continue
        map[key] = typeof entryValue === 'string' ? entryValue : convertStructure(entryValue)
      }
      out[target] = map
    } else if (Object.keys(value).every((k) => /^\d+$/.test(k))) {
      out[target] = indexed(value).map((member) =>
        typeof member === 'string' ? member : convertStructure(member),
      ) as Json[]
    } else {
      out[target] = convertStructure(value)
    }
  }
  return out
}

/** A flattened list `{ '1': a, '2': b }` in index order. */
function indexed(tree: Tree): Tree[] {
  return Object.keys(tree)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => tree[k] as Tree)
}

/** Member names of lists and maps in XML results. */
const xmlMember = lookup<string>({
  Messages: 'Message',
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Failed: 'BatchResultErrorEntry',
  StringListValues: 'StringListValue',
  BinaryListValues: 'BinaryListValue',
})
const xmlMap = lookup<[element: string, key: string, value: string]>({
  Attributes: ['Attribute', 'Name', 'Value'],
  MessageAttributes: ['MessageAttribute', 'Name', 'Value'],
  Tags: ['Tag', 'Key', 'Value'],
})

const namespace = 'http://queue.amazonaws.com/doc/2012-11-05/'

/** A JSON-protocol result → the Query protocol's `<ActionResponse><ActionResult>…` document. */
export function jsonToQueryResponse(
  action: string,
  result: Record<string, Json>,
  requestId: string,
): string {
  const successful = `${action}ResultEntry`
  const inner = Object.entries(result)
    .map(([name, value]) =>
      element(name === 'Successful' ? successful : name, value, name === 'Successful'),
    )
    .join('')
  return (
    `<?xml version="1.0"?><${action}Response xmlns="${namespace}"><${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  )
}

function element(name: string, value: Json, isEntryList = false): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) {
    const member = isEntryList ? name : (xmlMember(name) ?? name)
    return value.map((v) => element(member, v)).join('')
  }
  if (typeof value === 'object') {
    const map = xmlMap(name)
    if (map) {
      const [tag, keyName, valueName] = map
      return Object.entries(value)
        .map(
          ([k, v]) =>
            `<${tag}><${keyName}>${escapeXml(k)}</${keyName}>${element(valueName, v)}</${tag}>`,
        )
        .join('')
    }
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

/** A JSON-protocol error → the Query protocol's `<ErrorResponse>`, keeping the legacy code. */
export function jsonToQueryError(
  status: number,
  body: { __type?: string; message?: string },
  queryErrorHeader: string | undefined,
  requestId: string,
): string {
  const [legacyCode, fault] = queryErrorHeader?.split(';') ?? []
  const code = legacyCode || (body.__type ?? 'InternalFailure').split('#').at(-1)
  const type = fault ?? (status >= 500 ? 'Receiver' : 'Sender')
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(code ?? '')}</Code><Message>${escapeXml(body.message ?? '')}</Message><Detail/></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  )
}

export class QueryProtocolError extends Error {
  override name = 'QueryProtocolError'
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** A name table that answers only for its own keys: a parameter named `__proto__` finds nothing. */
function lookup<T>(table: Record<string, T>): (name: string) => T | undefined {
  const entries = new Map(Object.entries(table))
  return (name) => entries.get(name)
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
}
