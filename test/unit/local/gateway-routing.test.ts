import { describe, expect, it } from 'vitest'
import { credentialScopeService, routeRequest } from '../../../local/gateway.ts'

const signed = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
})

describe('routeRequest', () => {
  it.each([
    ['DynamoDB_20120810.PutItem', 'dynamodb'],
    ['DynamoDBStreams_20120810.GetRecords', 'dynamodb'],
    ['AmazonSQS.SendMessage', 'sns-sqs'],
  ])('routes X-Amz-Target %s to %s', (target, service) => {
    expect(routeRequest('POST', '/', { 'x-amz-target': target })).toEqual({ service })
  })

  it('routes SigV4-signed SNS and STS Query calls to the SNS/SQS emulator', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expect(routeRequest('POST', '/', { ...form, ...signed('sns') })).toEqual({ service: 'sns-sqs' })
    expect(routeRequest('POST', '/', { ...form, ...signed('sts') })).toEqual({ service: 'sns-sqs' })
  })

  it('names an unknown X-Amz-Target', () => {
    const route = routeRequest('POST', '/', { 'x-amz-target': 'Kinesis_20131202.PutRecord' })
    expect(route).toMatchObject({ code: 'UnknownOperationException', protocol: 'json' })
    expect('unroutable' in route && route.unroutable).toContain("'Kinesis_20131202.PutRecord'")
  })

  it('names an unserved signed service', () => {
    const route = routeRequest('POST', '/', signed('lambda'))
    expect(route).toMatchObject({ code: 'UnknownServiceException' })
    expect('unroutable' in route && route.unroutable).toContain("'lambda'")
  })

  it('asks a DynamoDB request without a target for one', () => {
    expect(routeRequest('POST', '/', signed('dynamodb'))).toMatchObject({
      code: 'UnknownOperationException',
    })
  })
})

describe('credentialScopeService', () => {
  it('reads the service from a SigV4 Authorization header', () => {
    expect(credentialScopeService(signed('sqs').authorization)).toBe('sqs')
  })
  it.each([undefined, '', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=broken'])(
    'is undefined for %j',
    (h) => {
      expect(credentialScopeService(h)).toBeUndefined()
    },
  )
})
