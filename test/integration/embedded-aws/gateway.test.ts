import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns'
import { describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { PortInUseError, startEmbeddedAws } from '../../../local/embedded-aws.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'

describe('embedded AWS gateway', () => {
  const embedded = useEmbeddedAws()

  it('answers a JSON request for an unknown service with an AWS-style error naming the target', async () => {
    const res = await fetch(embedded.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSLambda.Invoke' },
      body: '{}',
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { __type: string; message: string }
    expect(body.__type).toBe('UnknownOperationException')
    expect(body.message).toContain("'AWSLambda.Invoke'")
  })

  it('answers a request signed for an unserved service with an error naming the service', async () => {
    const res = await fetch(embedded.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=ListStreams',
    })
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(text).toContain('<Code>UnknownServiceException</Code>')
    expect(text).toContain("'kinesis'")
  })

  it("serves SQS's Query protocol for older clients, answering in XML", async () => {
    const signedSqs = {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
    }
    const created = await fetch(embedded.endpoint, {
      method: 'POST',
      headers: signedSqs,
      body: 'Action=CreateQueue&QueueName=query-q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=7',
    })
    expect(created.status).toBe(200)
    const xml = await created.text()
    expect(xml).toContain(`<QueueUrl>${embedded.endpoint}/000000000000/query-q</QueueUrl>`)

    const missing = await fetch(embedded.endpoint, {
      method: 'POST',
      headers: signedSqs,
      body: `Action=GetQueueUrl&QueueName=no-such-queue`,
    })
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>')
  })

  it('answers an unsigned request it cannot place with a clear error, and keeps serving', async () => {
    const res = await fetch(`${embedded.endpoint}/nowhere`, { method: 'PUT', body: 'x' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain("Cannot tell which AWS service 'PUT /nowhere' is for")

    const sns = new SNSClient(emulatorClientConfig(embedded.endpoint))
    await expect(sns.send(new ListTopicsCommand({}))).resolves.toBeDefined()
  })

  it('answers malformed DynamoDB JSON with a SerializationException', async () => {
    const res = await fetch(embedded.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{"TableName": ',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { __type: string }).__type).toMatch(/SerializationException/)
  })

  it('reports its health', async () => {
    const res = await fetch(`${embedded.endpoint}/_pipeline/health`)
    expect(await res.json()).toEqual({
      services: { sns: 'running', sqs: 'running', dynamodb: 'running' },
    })
  })

  it('refuses a port in use with a message that says what to do', async () => {
    const error = await startEmbeddedAws({ port: embedded.aws.port }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PortInUseError)
    expect((error as Error).message).toMatch(
      new RegExp(`Port ${embedded.aws.port} on 127.0.0.1 is already in use.*--port`),
    )
  })

  it('listens on loopback only', () => {
    expect(embedded.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })
})
