import { describe, expect, it } from 'vitest'
import {
  DynamoDbError,
  dynaliteErrorMessage,
  dynamoDbErrorType,
  isDynaliteError,
  resourceNotFound,
} from '../../../../local/dynamodb/errors.ts'

// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html:
// request validation is answered by the Coral framework's validator, a request the service
// cannot read or authenticate by Coral's service layer, everything else by DynamoDB itself.
describe('DynamoDB error types and dynalite errors', () => {
  it('answers each error code in the dialect DynamoDB uses for it', () => {
    expect(dynamoDbErrorType('ValidationException')).toBe(
      'com.amazon.coral.validate#ValidationException',
    )
    for (const code of [
      'SerializationException',
      'UnknownOperationException',
      'AccessDeniedException',
    ])
      expect(dynamoDbErrorType(code)).toBe(`com.amazon.coral.service#${code}`)
    for (const code of ['ConditionalCheckFailedException', 'ResourceNotFoundException'])
      expect(dynamoDbErrorType(code)).toBe(`com.amazonaws.dynamodb.v20120810#${code}`)
  })

  it('says "Requested resource not found" for a missing resource, as DynamoDB does', () => {
    const error = resourceNotFound()
    expect(error).toBeInstanceOf(DynamoDbError)
    expect([error.name, error.code, error.message, error.status]).toEqual([
      'DynamoDbError',
      'ResourceNotFoundException',
      'Requested resource not found',
      400,
    ])
  })

  it('recognizes a dynalite error by its status code and body, and only that', () => {
    const dynalite = Object.assign(new Error('x'), { statusCode: 400, body: { __type: 't' } })
    expect(isDynaliteError(dynalite)).toBe(true)
    expect(isDynaliteError(new Error('plain'))).toBe(false)
    expect(isDynaliteError({ statusCode: 400, body: {} })).toBe(false)
    expect(isDynaliteError(Object.assign(new Error('x'), { statusCode: '400', body: {} }))).toBe(
      false,
    )
    expect(isDynaliteError(Object.assign(new Error('x'), { statusCode: 400, body: 'text' }))).toBe(
      false,
    )
  })

  it('reads a dynalite error’s message under either spelling', () => {
    const withBody = (body: Record<string, string>) =>
      Object.assign(new Error('x'), { statusCode: 400, body: { __type: 't', ...body } })
    expect(dynaliteErrorMessage(withBody({ message: 'lower' }))).toBe('lower')
    expect(dynaliteErrorMessage(withBody({ Message: 'upper' }))).toBe('upper')
    expect(dynaliteErrorMessage(withBody({}))).toBe('')
  })
})
