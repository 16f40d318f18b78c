import type { ServerResponse } from 'node:http'

/** Which of AWS's two error wire formats a client expects. */
export type WireProtocol = 'json' | 'query'

/**
 * Writes an AWS-style error: `{ __type, message }` for JSON-protocol clients (DynamoDB, SQS),
 * an `<ErrorResponse>` document for Query-protocol clients (SNS, STS). SDKs and the `aws`
 * CLI surface the code and message of either to the user.
 */
export function sendAwsError(
  res: ServerResponse,
  protocol: WireProtocol,
  status: number,
  code: string,
  message: string,
): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const requestId = crypto.randomUUID()
  if (protocol === 'json') {
    const body = JSON.stringify({ __type: code, message })
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId,
      'x-amzn-query-error': `${code};Sender`,
    })
    res.end(body)
    return
  }
  const body =
    '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
    `<Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  })
  res.end(body)
}

function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)
}
