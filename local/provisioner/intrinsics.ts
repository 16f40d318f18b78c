import { TemplateError } from './errors.ts'
import type { StackEnvironment } from './template.ts'

/** `Ref: AWS::NoValue`: the property or list element it stands in is removed. */
const noValue: unique symbol = Symbol('AWS::NoValue')

/** What intrinsic functions need from the stack being provisioned. */
export interface IntrinsicScope {
  readonly environment: StackEnvironment
  /** A parameter's value, or undefined when there is no such parameter. */
  parameter(name: string): unknown
  /** A condition's value; throws when there is no such condition. */
  condition(name: string): boolean
  /** `Ref` of a resource: its physical id. */
  ref(logicalId: string): unknown
  /** `Fn::GetAtt` of a resource. */
  getAtt(logicalId: string, attribute: string): unknown
  /** `Fn::FindInMap`. */
  mapping(map: string, topKey: string, secondKey: string): unknown
}

/**
 * Evaluates every intrinsic function in `value` (Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition,
 * Fn::FindInMap, Fn::Base64, Fn::GetAZs). `at` names the place in the template for errors.
 */
export function resolveValue(value: unknown, scope: IntrinsicScope, at: string): unknown {
  if (Array.isArray(value)) {
    return value
      .map((element, i) => resolveValue(element, scope, `${at}[${i}]`))
      .filter((element) => element !== noValue)
  }
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value)
  const first = entries[0]
  if (entries.length === 1 && first && isIntrinsic(first[0])) {
    return evaluate(first[0], first[1], scope, `${at}.${first[0]}`)
  }
  const resolved: Record<string, unknown> = {}
  for (const [key, inner] of entries) {
    const result = resolveValue(inner, scope, `${at}.${key}`)
    if (result !== noValue) resolved[key] = result
  }
  return resolved
}

function isIntrinsic(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')
}

function evaluate(fn: string, args: unknown, scope: IntrinsicScope, at: string): unknown {
  switch (fn) {
    case 'Ref':
      return ref(expectString(args, at), scope, at)
    case 'Condition': {
      const name = expectString(args, at)
      return located(at, () => scope.condition(name))
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] =
        typeof args === 'string' ? splitOnce(args, '.', at) : expectTuple(args, 2, at)
      const id = expectString(logicalId, at)
      const name = expectString(resolveValue(attribute, scope, at), at)
      return located(at, () => scope.getAtt(id, name))
    }
    case 'Fn::Join': {
      const [delimiter, list] = expectTuple(args, 2, at)
      const items = expectArray(resolveValue(list, scope, at), at)
      return items.map((item) => scalarString(item, at)).join(expectString(delimiter, at))
    }
    case 'Fn::Sub':
      return substitute(args, scope, at)
    case 'Fn::Select': {
      const [index, list] = expectTuple(args, 2, at)
      const i = Number(resolveValue(index, scope, at))
      const items = expectArray(resolveValue(list, scope, at), at)
      if (!Number.isInteger(i) || i < 0 || i >= items.length) {
        throw new TemplateError(`${at}: index ${i} is outside the list of ${items.length}`)
      }
      return items[i]
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectTuple(args, 2, at)
      return expectString(resolveValue(source, scope, at), at).split(expectString(delimiter, at))
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectTuple(args, 3, at)
      return resolveValue(
        scope.condition(expectString(condition, at)) ? whenTrue : whenFalse,
        scope,
        at,
      )
    }
    case 'Fn::Equals': {
      const [a, b] = expectTuple(args, 2, at)
      return (
        JSON.stringify(resolveValue(a, scope, at)) === JSON.stringify(resolveValue(b, scope, at))
      )
    }
    case 'Fn::Not':
      return !expectBoolean(resolveValue(expectTuple(args, 1, at)[0], scope, at), at)
    case 'Fn::And':
      return expectArray(args, at).every((c) => expectBoolean(resolveValue(c, scope, at), at))
    case 'Fn::Or':
      return expectArray(args, at).some((c) => expectBoolean(resolveValue(c, scope, at), at))
    case 'Fn::FindInMap': {
      const [map, top, second] = expectTuple(args, 3, at).map((part) =>
        expectString(resolveValue(part, scope, at), at),
      ) as [string, string, string]
      return located(at, () => scope.mapping(map, top, second))
    }
    case 'Fn::Base64':
      return Buffer.from(expectString(resolveValue(args, scope, at), at)).toString('base64')
    case 'Fn::GetAZs': {
      const region = scope.environment.region
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`)
    }
    default:
      throw new TemplateError(
        `${at}: the intrinsic function ${fn} is not supported by the local provisioner` +
          (fn === 'Fn::ImportValue'
            ? ' (cross-stack imports: provision one self-contained stack)'
            : ''),
      )
  }
}

const pseudoParameters = (environment: StackEnvironment): Record<string, unknown> => ({
  'AWS::Region': environment.region,
  'AWS::AccountId': environment.accountId,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': environment.stackName,
  'AWS::StackId': `arn:aws:cloudformation:${environment.region}:${environment.accountId}:stack/${environment.stackName}/local`,
  'AWS::NotificationARNs': [],
})

function ref(name: string, scope: IntrinsicScope, at: string): unknown {
  if (name === 'AWS::NoValue') return noValue
  if (name.startsWith('AWS::')) {
    const value = pseudoParameters(scope.environment)[name]
    if (value === undefined) throw new TemplateError(`${at}: unknown pseudo parameter ${name}`)
    return value
  }
  const parameter = located(at, () => scope.parameter(name))
  if (parameter !== undefined) return parameter
  return located(at, () => scope.ref(name))
}

/** Runs a scope lookup, prefixing its error with the place in the template. */
function located<T>(at: string, lookup: () => T): T {
  try {
    return lookup()
  } catch (error) {
    if (error instanceof TemplateError)
      throw new TemplateError(`${at}: ${error.message}`, { cause: error })
    throw error
  }
}

/** `Fn::Sub`: `${Name}` is a Ref, `${Name.Attr}` a GetAtt, `${!Text}` the literal `${Text}`. */
function substitute(args: unknown, scope: IntrinsicScope, at: string): string {
  const [template, variables] =
    typeof args === 'string' ? [args, {}] : (expectTuple(args, 2, at) as [unknown, unknown])
  const vars = resolveValue(variables ?? {}, scope, at) as Record<string, unknown>
  return expectString(template, at).replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`
    const trimmed = name.trim()
    if (trimmed in vars) return scalarString(vars[trimmed], at)
    if (!trimmed.startsWith('AWS::') && trimmed.includes('.')) {
      const [logicalId, attribute] = splitOnce(trimmed, '.', at)
      return scalarString(
        located(at, () => scope.getAtt(logicalId, attribute)),
        at,
      )
    }
    return scalarString(ref(trimmed, scope, at), at)
  })
}

/** The names a `Fn::Sub` string refers to: `Name` or `Name.Attr`, without `${!…}` literals. */
export function substitutionNames(template: string): string[] {
  return [...template.matchAll(/\$\{([^}!][^}]*)\}/g)].map((match) => (match[1] ?? '').trim())
}

function splitOnce(value: string, separator: string, at: string): [string, string] {
  const index = value.indexOf(separator)
  if (index <= 0)
    throw new TemplateError(`${at}: expected 'LogicalId${separator}Attribute', got '${value}'`)
  return [value.slice(0, index), value.slice(index + 1)]
}

function scalarString(value: unknown, at: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new TemplateError(`${at}: expected a string, got ${JSON.stringify(value)}`)
}

function expectString(value: unknown, at: string): string {
  if (typeof value !== 'string') {
    throw new TemplateError(`${at}: expected a string, got ${JSON.stringify(value)}`)
  }
  return value
}

function expectBoolean(value: unknown, at: string): boolean {
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 'false') return value === 'true'
  throw new TemplateError(
    `${at}: expected a condition (true or false), got ${JSON.stringify(value)}`,
  )
}

function expectArray(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new TemplateError(`${at}: expected a list, got ${JSON.stringify(value)}`)
  }
  return value
}

function expectTuple(value: unknown, length: number, at: string): unknown[] {
  const list = expectArray(value, at)
  if (list.length !== length) {
    throw new TemplateError(`${at}: expected ${length} arguments, got ${list.length}`)
  }
  return list
}
