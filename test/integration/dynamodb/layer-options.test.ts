import { afterEach, describe, expect, it } from 'vitest'
import { useDynamoDbLayers } from '../../support/dynamodb-layer.ts'

// What the options of the embedded DynamoDB's store change for its users.

const layers = useDynamoDbLayers()
afterEach(layers.close)

describe('the embedded DynamoDB store options', () => {
  it('names its region in table ARNs', async () => {
    const { createTable } = await layers.open({ region: 'eu-west-1' })
    const created = await createTable('orders')
    expect(created.body.TableDescription.TableArn).toMatch(/^arn:aws:dynamodb:eu-west-1:/)
  })
})
