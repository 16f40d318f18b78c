import type { UpdateTimeToLiveOutput } from '@aws-sdk/client-dynamodb'
import * as describeTimeToLiveValidation from 'dynalite/validations/describeTimeToLive.js'
import { getTable, validateRequest } from '../dynalite-store.ts'
import { validationException } from '../errors.ts'
import type { Action } from './action.ts'

const validation = {
  types: {
    ...describeTimeToLiveValidation.types,
    TimeToLiveSpecification: {
      type: 'FieldStruct<TimeToLiveSpecification>',
      notNull: true,
      children: {
        AttributeName: {
          type: 'String',
          notNull: true,
          lengthGreaterThanOrEqual: 1,
          lengthLessThanOrEqual: 255,
        },
        Enabled: { type: 'Boolean', notNull: true },
      },
    },
  },
}

/**
 * UpdateTimeToLive: turns expiry on or off at once (DynamoDB takes up to an hour); the sweeper
 * then deletes items whose attribute, epoch seconds, is in the past.
 */
export const updateTimeToLive: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, request)
  const name = data.TableName as string
  const spec = data.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean }
  await getTable(context.store, name, false)
  const settings = context.settings.get(name) ?? {}
  const current = settings.timeToLive
  if (spec.Enabled && current?.enabled) {
    if (current.attributeName !== spec.AttributeName) {
      throw validationException(
        `TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}`,
      )
    }
    throw validationException('TimeToLive is already enabled')
  }
  if (!spec.Enabled && !current?.enabled)
    throw validationException('TimeToLive is already disabled')
  await context.settings.persist([
    context.settings.set(name, {
      ...settings,
      timeToLive: { attributeName: spec.AttributeName, enabled: spec.Enabled },
    }),
  ])
  return {
    TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: spec.Enabled },
  } satisfies UpdateTimeToLiveOutput
}
