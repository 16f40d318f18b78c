import type { StackTemplate } from '../readers/index.ts'

/** Where a resource sits in the picture, left to right as an event travels. */
type NodeKind =
  | 'topic'
  | 'subscription'
  | 'queue'
  | 'dlq'
  | 'mapping'
  | 'function'
  | 'table'
  | 'other'

interface TopologyNode {
  readonly id: string
  readonly type: string
  readonly kind: NodeKind
  readonly physicalId?: string
  /** A subscription's filter policy, as the template declares it. */
  readonly filterPolicy?: unknown
}

interface TopologyEdge {
  readonly from: string
  readonly to: string
}

export interface Topology {
  readonly nodes: readonly TopologyNode[]
  readonly edges: readonly TopologyEdge[]
}

const kindOfType: Readonly<Record<string, NodeKind>> = {
  'AWS::SNS::Topic': 'topic',
  'AWS::SNS::Subscription': 'subscription',
  'AWS::SQS::Queue': 'queue',
  'AWS::Lambda::EventSourceMapping': 'mapping',
  'AWS::Lambda::Function': 'function',
  'AWS::DynamoDB::Table': 'table',
  'AWS::DynamoDB::GlobalTable': 'table',
}

/**
 * The pipeline's picture from its template: every resource a node; the event's way through
 * them the edges, from the references the template makes (Ref, Fn::GetAtt): topic →
 * subscription → queue → DLQ, queue or table stream → mapping → function → the tables,
 * topics and queues its environment names (the outbox publisher's topic closes the loop).
 */
export function topologyOf(template: StackTemplate): Topology {
  const resources = template.resources
  const dlqs = new Set<string>()
  for (const r of Object.values(resources)) {
    for (const id of references((r.properties.RedrivePolicy as object) ?? {})) dlqs.add(id)
  }
  const nodes = Object.entries(resources).map(([id, r]): TopologyNode => {
    const base = kindOfType[r.type] ?? 'other'
    const kind = base === 'queue' && dlqs.has(id) ? 'dlq' : base
    return {
      id,
      type: r.type,
      kind,
      ...(r.physicalId ? { physicalId: r.physicalId } : {}),
      ...(kind === 'subscription' && r.properties.FilterPolicy
        ? { filterPolicy: r.properties.FilterPolicy }
        : {}),
    }
  })
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]))
  const edges: TopologyEdge[] = []
  const add = (from: string, to: string) => {
    if (
      kinds.has(from) &&
      kinds.has(to) &&
      kinds.get(from) !== 'other' &&
      kinds.get(to) !== 'other'
    )
      edges.push({ from, to })
  }
  for (const [id, r] of Object.entries(resources)) {
    const p = r.properties
    switch (kinds.get(id)) {
      case 'subscription':
        for (const topic of references(p.TopicArn)) add(topic, id)
        for (const queue of references(p.Endpoint)) add(id, queue)
        for (const dlq of references(p.RedrivePolicy)) add(id, dlq)
        break
      case 'queue':
      case 'dlq':
        for (const dlq of references(p.RedrivePolicy)) add(id, dlq)
        break
      case 'mapping':
        for (const source of references(p.EventSourceArn)) add(source, id)
        for (const fn of references(p.FunctionName)) add(id, fn)
        break
      case 'function': {
        const variables = (p.Environment as { Variables?: unknown } | undefined)?.Variables
        for (const target of references(variables)) {
          if (['table', 'topic', 'queue', 'dlq'].includes(kinds.get(target) ?? '')) add(id, target)
        }
        break
      }
    }
  }
  return { nodes, edges: dedupe(edges) }
}

/** The logical ids a template value refers to with Ref or Fn::GetAtt, at any depth. */
function references(value: unknown): string[] {
  const found: string[] = []
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      for (const item of v) visit(item)
      return
    }
    if (v === null || typeof v !== 'object') return
    const o = v as Record<string, unknown>
    if (typeof o.Ref === 'string' && !o.Ref.startsWith('AWS::')) found.push(o.Ref)
    const getAtt = o['Fn::GetAtt']
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.push(getAtt[0])
    if (typeof getAtt === 'string') found.push(getAtt.split('.')[0] ?? '')
    for (const [key, inner] of Object.entries(o)) if (key !== 'Ref') visit(inner)
  }
  visit(value)
  return found
}

function dedupe(edges: readonly TopologyEdge[]): TopologyEdge[] {
  const seen = new Set<string>()
  return edges.filter((e) => {
    const key = `${e.from}→${e.to}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
