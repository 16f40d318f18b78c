// The console's page: plain DOM and SVG, no framework and nothing from a CDN. Every text
// from the pipeline goes in through textContent, never as markup.
const api = (path, init) =>
  fetch(`api/${path}`, init).then(async (response) => {
    const body = await response.json()
    if (!response.ok) throw new Error(body.error ?? `${response.status}`)
    return body
  })
const post = (path, body) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

const SVG = 'http://www.w3.org/2000/svg'
function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith('svg:')
    ? document.createElementNS(SVG, tag.slice(4))
    : document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value)
    else if (value !== undefined && value !== null) node.setAttribute(key, value)
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child)
  return node
}
const $ = (id) => document.getElementById(id)
const fmt = (n, unit = '') =>
  n === null || n === undefined ? '–' : `${Math.round(n * 10) / 10}${unit}`
// Two places: #live is the figures' heartbeat, rewritten by every poll; #status is what an
// action or a load said, kept until the next one (a poll must not wipe a redrive's result).
const say = (id) => (text, bad) => {
  $(id).textContent = text
  $(id).className = bad ? 'error' : ''
}
const status = say('status')
const live = say('live')

// ── Topology ────────────────────────────────────────────────────────────────
const columns = ['topic', 'subscription', 'queue', 'dlq', 'mapping', 'function', 'table']
const columnTitles = {
  topic: 'topics',
  subscription: 'subscriptions',
  queue: 'queues',
  dlq: 'DLQs',
  mapping: 'event source mappings',
  function: 'functions',
  table: 'tables & streams',
}
const nodeWidth = 200
const nodeHeight = 62
const figureLines = new Map() // logical id → [text, text]
let topology

async function drawTopology() {
  topology = await api('topology')
  const byKind = Object.fromEntries(columns.map((k) => [k, []]))
  const others = []
  for (const node of topology.nodes) (byKind[node.kind] ?? others).push(node)
  const place = new Map()
  const rows = Math.max(...columns.map((k) => byKind[k].length))
  const width = columns.length * (nodeWidth + 40)
  const height = 40 + rows * (nodeHeight + 12)
  const svg = el('svg:svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': 'pipeline topology',
  })
  const edges = el('svg:g')
  svg.append(edges)
  columns.forEach((kind, c) => {
    const x = c * (nodeWidth + 40) + 10
    svg.append(el('svg:text', { x, y: 16, class: 'column-title', text: columnTitles[kind] }))
    byKind[kind].forEach((node, r) => {
      const y = 28 + r * (nodeHeight + 12)
      place.set(node.id, { x, y })
      const figure1 = el('svg:text', { x: x + 8, y: y + 42, class: 'figure' })
      const figure2 = el('svg:text', { x: x + 8, y: y + 55, class: 'figure' })
      figureLines.set(node.id, [figure1, figure2])
      const g = el(
        'svg:g',
        { class: `node ${node.kind}`, 'data-logical-id': node.id, 'data-type': node.type },
        el('svg:title', {
          text: `${node.id} (${node.type})${node.physicalId ? `\n${node.physicalId}` : ''}${node.filterPolicy ? `\nfilter: ${JSON.stringify(node.filterPolicy)}` : ''}`,
        }),
        el('svg:rect', { x, y, width: nodeWidth, height: nodeHeight }),
        el('svg:text', { x: x + 8, y: y + 15, text: shorten(node.id, 30) }),
        el('svg:text', { x: x + 8, y: y + 28, class: 'kind', text: subtitle(node) }),
        figure1,
        figure2,
      )
      svg.append(g)
    })
  })
  for (const edge of topology.edges) {
    const a = place.get(edge.from)
    const b = place.get(edge.to)
    if (!a || !b) continue
    const x1 = a.x + nodeWidth
    const y1 = a.y + nodeHeight / 2
    const x2 = b.x
    const y2 = b.y + nodeHeight / 2
    const bend = Math.max(40, Math.abs(x2 - x1) / 2)
    edges.append(
      el('svg:path', {
        class: 'edge',
        d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
        'data-from': edge.from,
        'data-to': edge.to,
      }),
    )
  }
  $('topology-graph').replaceChildren(svg)
  $('other-list').replaceChildren(
    ...others.map((n) =>
      el('span', {
        class: 'chip',
        'data-logical-id': n.id,
        title: n.type,
        text: `${n.id} · ${n.type.replace(/^AWS::/, '')}`,
      }),
    ),
  )
  $('other-resources').querySelector('summary').textContent =
    `Other resources of the template (${others.length})`
}

function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
function subtitle(node) {
  if (node.kind === 'subscription' && node.filterPolicy) {
    // The event types a policy names, wherever in it (a $or of type and version pairs).
    const types = new Set(JSON.stringify(node.filterPolicy).match(/"[a-z]+\.[a-z]+"/g) ?? [])
    return shorten(`filter: ${[...types].map((t) => t.slice(1, -1)).join(', ')}`, 36)
  }
  return shorten(node.physicalId?.split(/[/:]/).pop() ?? node.type, 34)
}

function showFigures(figures) {
  if (!topology) return
  const rate = (consumer) => {
    const series = figures.flow[consumer] ?? []
    return series.length ? series[series.length - 1].processedPerSecond : null
  }
  const byPhysical = new Map(
    topology.nodes.filter((n) => n.physicalId).map((n) => [n.physicalId, n.id]),
  )
  const set = (physicalId, line1, line2, alert) => {
    const id = byPhysical.get(physicalId)
    const lines = id && figureLines.get(id)
    if (!lines) return
    lines[0].textContent = line1
    lines[1].textContent = line2 ?? ''
    lines[0].parentNode.classList.toggle('alert', Boolean(alert))
  }
  for (const c of figures.consumers) {
    set(
      c.queueUrl,
      `visible ${c.visible} · in flight ${c.inFlight}`,
      `oldest ${fmt(c.oldestAgeSeconds, 's')} · out ${fmt(rate(c.consumer), '/s')}`,
    )
    const dlq = figures.queues[c.deadLetterQueueUrl]
    const delivery = figures.queues[c.deliveryDeadLetterQueueUrl]
    set(c.deadLetterQueueUrl, `depth ${dlq ?? '–'}`, c.consumer, dlq > 0)
    set(
      c.deliveryDeadLetterQueueUrl,
      `depth ${delivery ?? '–'}`,
      `${c.consumer} (delivery)`,
      delivery > 0,
    )
    set(
      c.functionName,
      `processed ${fmt(c.processed)} · retried ${fmt(c.retried)}`,
      `p50 ${fmt(c.latencyP50Ms, 'ms')} · p99 ${fmt(c.latencyP99Ms, 'ms')}`,
    )
  }
  set(
    figures.outbox.functionName,
    'outbox publisher',
    `failures ${figures.outbox.failures}`,
    figures.outbox.failures > 0,
  )
  set(
    figures.outbox.failureQueueUrl,
    `depth ${figures.outbox.failures}`,
    'outbox failures',
    figures.outbox.failures > 0,
  )
}

// ── Flow ────────────────────────────────────────────────────────────────────
function showFlow(figures) {
  const charts = figures.consumers.map((c) => {
    const series = figures.flow[c.consumer] ?? []
    const w = 280
    const h = 70
    const max = Math.max(
      1,
      ...series.flatMap((s) => [s.processedPerSecond, s.retriedPerSecond, s.deadLettered]),
    )
    const t0 = series[0]?.at ?? 0
    const span = Math.max(1, (series[series.length - 1]?.at ?? 1) - t0)
    const line = (pick) =>
      series
        .map(
          (s, i) =>
            `${i && !s.resumed ? 'L' : 'M'}${(((s.at - t0) / span) * w).toFixed(1)},${(h - (pick(s) / max) * (h - 4)).toFixed(1)}`,
        )
        .join(' ')
    const last = series[series.length - 1]
    return el(
      'div',
      { class: 'chart', 'data-consumer': c.consumer },
      el('h3', { text: c.consumer }),
      el(
        'svg:svg',
        { width: w, height: h, viewBox: `0 0 ${w} ${h}` },
        el('svg:path', { class: 'processed', d: line((s) => s.processedPerSecond) }),
        el('svg:path', { class: 'retried', d: line((s) => s.retriedPerSecond) }),
        el('svg:path', { class: 'dead', d: line((s) => s.deadLettered) }),
      ),
      el(
        'div',
        { class: 'legend' },
        el('span', {
          class: 'processed',
          text: `processed ${fmt(c.processed)} (${fmt(last?.processedPerSecond, '/s')})`,
        }),
        el('span', { class: 'retried', text: `retried ${fmt(c.retried)}` }),
        el('span', { class: 'dead', text: `dead-lettered ${c.deadLettered}` }),
        el('span', { text: `p50 ${fmt(c.latencyP50Ms, 'ms')} p99 ${fmt(c.latencyP99Ms, 'ms')}` }),
      ),
    )
  })
  $('flow-charts').replaceChildren(...charts)
}

// ── Dead letters ────────────────────────────────────────────────────────────
async function showDeadLetters() {
  const consumers = await api('dead-letters')
  const blocks = consumers.map(({ consumer, messages }) => {
    const redrive = (eventId) => async (event) => {
      event.target.disabled = true
      try {
        const result = await post('redrive', eventId ? { consumer, eventId } : { consumer })
        status(`redrove ${result.moved} message${result.moved === 1 ? '' : 's'} of ${consumer}`)
      } catch (error) {
        status(`redrive failed: ${error.message}`, true)
      }
      await showDeadLetters()
    }
    return el(
      'div',
      { class: 'dlq', 'data-consumer': consumer },
      el(
        'h3',
        { text: `${consumer}: ${messages.length} dead letter${messages.length === 1 ? '' : 's'} ` },
        messages.length
          ? el('button', { class: 'redrive-all', onclick: redrive(), text: 'Redrive all' })
          : null,
      ),
      messages.length
        ? el(
            'table',
            {},
            el(
              'tr',
              {},
              ...['event', 'type', 'queue', 'why', 'attempts', 'sent', ''].map((t) =>
                el('th', { text: t }),
              ),
            ),
            ...messages.map((m) =>
              el(
                'tr',
                { 'data-event-id': m.eventId ?? '' },
                el('td', { class: 'mono', text: m.eventId ?? m.messageId }),
                el('td', { text: m.eventType ?? '?' }),
                el('td', { text: m.queue }),
                el('td', {
                  class: 'error',
                  text: m.failure
                    ? `${m.failure.errorName ?? 'Error'}: ${m.failure.errorMessage ?? ''}`
                    : m.queue === 'delivery'
                      ? 'SNS could not deliver it'
                      : 'moved by SQS (maxReceiveCount)',
                }),
                el('td', { text: m.failure?.attempts ?? '' }),
                el('td', { class: 'mono', text: m.sentAt ?? '' }),
                el(
                  'td',
                  {},
                  m.eventId
                    ? el('button', {
                        class: 'redrive-one',
                        onclick: redrive(m.eventId),
                        text: 'Redrive',
                      })
                    : null,
                ),
              ),
            ),
          )
        : null,
    )
  })
  $('dlq-list').replaceChildren(...blocks)
}

// ── Trace ───────────────────────────────────────────────────────────────────
async function showTrace(eventId) {
  const out = $('trace-result')
  out.replaceChildren(el('p', { text: `tracing ${eventId}…` }))
  try {
    const trace = await api(`trace?eventId=${encodeURIComponent(eventId)}`)
    const parts = [
      el('p', { text: `${trace.eventType ?? 'type unknown'} ${trace.eventId}` }),
      el(
        'table',
        { class: 'trace-consumers' },
        el(
          'tr',
          {},
          ...['consumer', 'subscribed', 'state', 'record'].map((t) => el('th', { text: t })),
        ),
        ...trace.consumers.map((c) =>
          el(
            'tr',
            { 'data-consumer': c.consumer, 'data-state': c.state },
            el('td', { text: c.consumer }),
            el('td', { text: c.subscribed === null ? '?' : c.subscribed ? 'yes' : 'no' }),
            el('td', { class: `state-${c.state}`, text: c.state }),
            el('td', {
              class: 'mono',
              text: c.record
                ? `${c.record.status}${c.record.completedAt ? ` ${c.record.completedAt}` : ''}`
                : '',
            }),
          ),
        ),
      ),
    ]
    if (trace.eventStore) {
      for (const p of trace.eventStore.caused)
        parts.push(
          el('p', {
            class: 'mono',
            text: `caused ${p.eventType} ${p.eventId} in ${p.streamId} v${p.streamVersion}`,
          }),
        )
    }
    parts.push(
      trace.waterfall
        ? waterfall(trace.waterfall)
        : el('p', { text: 'No spans: the pipeline runs without tracing.' }),
    )
    out.replaceChildren(...parts)
  } catch (error) {
    out.replaceChildren(el('p', { class: 'error', text: error.message }))
  }
}

function waterfall(rows) {
  const total = Math.max(1, ...rows.map((r) => r.offsetMs + r.durationMs))
  return el(
    'div',
    { class: 'waterfall' },
    el('h3', { text: `${rows.length} spans, ${fmt(total, 'ms')}` }),
    ...rows.map(({ span, depth, offsetMs, durationMs }) => {
      const outcome = span.attributes['event_pipeline.outcome']
      return el(
        'div',
        { class: 'row', 'data-span-kind': span.kind, 'data-service': span.service },
        el('div', {
          class: 'name',
          style: `padding-left:${depth * 1.1}em`,
          title: JSON.stringify(span.attributes, null, 1),
          text: `${span.name} · ${span.service}${outcome ? ` → ${outcome}` : ''}`,
        }),
        el(
          'div',
          { class: 'bar-track' },
          el('div', {
            class: `bar ${span.status === 'error' ? 'error' : span.kind}`,
            style: `left:${(offsetMs / total) * 100}%;width:${Math.max(0.2, (durationMs / total) * 100)}%`,
          }),
        ),
        el('div', { class: 'mono', text: fmt(durationMs, 'ms') }),
      )
    }),
  )
}

// ── History ─────────────────────────────────────────────────────────────────
async function showHistory(orderId, asOf) {
  const out = $('history-result')
  try {
    const h = await api(
      `history?orderId=${encodeURIComponent(orderId)}&asOf=${encodeURIComponent(asOf)}`,
    )
    out.replaceChildren(
      el('p', {
        text: `${h.streamId} at version ${h.version}, as of ${typeof h.asOf === 'string' ? h.asOf : (h.asOf.time ?? `version ${h.asOf.version}`)}`,
      }),
      el(
        'table',
        { class: 'history-saga' },
        el(
          'tr',
          {},
          ...['time', 'event', 'source', 'recorded in'].map((t) => el('th', { text: t })),
        ),
        ...h.saga.map((e) =>
          el(
            'tr',
            { 'data-event-type': e.eventType },
            el('td', { class: 'mono', text: e.timestamp }),
            el('td', { text: e.eventType }),
            el('td', { text: e.source }),
            el('td', { class: 'mono', text: e.recordedIn.join(', ') }),
          ),
        ),
      ),
      el('h3', { text: 'State' }),
      el('pre', { class: 'history-state', text: JSON.stringify(h.state, null, 2) }),
    )
  } catch (error) {
    out.replaceChildren(el('p', { class: 'error', text: error.message }))
  }
}

// ── Publish ─────────────────────────────────────────────────────────────────
async function setUpPublish() {
  const definitions = await api('catalogue')
  const select = $('publish-type')
  select.replaceChildren(
    ...definitions.map((d, i) => el('option', { value: i, text: `${d.eventType} v${d.version}` })),
  )
  const choose = () => {
    const d = definitions[Number(select.value)]
    $('publish-payload').value = JSON.stringify(d.example ?? {}, null, 2)
    $('publish-schema').textContent = JSON.stringify(d.schema, null, 2)
  }
  select.addEventListener('change', choose)
  choose()
  $('publish-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const d = definitions[Number(select.value)]
    const out = $('publish-result')
    let payload
    try {
      payload = JSON.parse($('publish-payload').value)
    } catch (error) {
      out.replaceChildren(
        el('p', { class: 'error', text: `the payload is not JSON: ${error.message}` }),
      )
      return
    }
    try {
      const correlationId = $('publish-correlation').value.trim() || undefined
      const result = await post('publish', {
        eventType: d.eventType,
        version: d.version,
        payload,
        correlationId,
      })
      out.replaceChildren(
        el(
          'p',
          {
            class: 'ok',
            'data-event-id': result.eventId,
            text: `published ${result.eventType} v${result.version} ${result.eventId} `,
          },
          el('button', { onclick: () => traceFromPage(result.eventId), text: 'Trace it' }),
        ),
      )
    } catch (error) {
      out.replaceChildren(el('p', { class: 'error', text: error.message }))
    }
  })
}

function traceFromPage(eventId) {
  $('trace-event-id').value = eventId
  location.hash = '#trace'
  showTrace(eventId)
}

// ── Polling, only while the page is visible ─────────────────────────────────
async function refresh() {
  if (document.visibilityState !== 'visible') return
  try {
    const figures = await api('figures')
    showFigures(figures)
    showFlow(figures)
    live(`live · ${new Date(figures.at).toLocaleTimeString()}`)
  } catch (error) {
    live(`cannot read the pipeline: ${error.message}`, true)
  }
}

$('trace-form').addEventListener('submit', (event) => {
  event.preventDefault()
  showTrace($('trace-event-id').value.trim())
})
$('history-form').addEventListener('submit', (event) => {
  event.preventDefault()
  showHistory($('history-order-id').value.trim(), $('history-as-of').value.trim())
})
// Each part loads on its own: a slow DLQ read does not hold up the figures.
setUpPublish().catch((e) => status(`catalogue: ${e.message}`, true))
showDeadLetters().catch((e) => status(`dead letters: ${e.message}`, true))
drawTopology()
  .catch((e) => status(`topology: ${e.message}`, true))
  .then(refresh)
setInterval(refresh, 2000)
setInterval(() => document.visibilityState === 'visible' && showDeadLetters().catch(() => {}), 5000)
