import type { DescribeTimeToLiveOutput } from '@aws-sdk/client-dynamodb'
import * as describeTimeToLiveValidation from 'dynalite/validations/describeTimeToLive.js'
import { getTable, validateRequest } from '../dynalite-store.ts'
import type { Action } from './action.ts'

/** DescribeTimeToLive: ENABLED with its attribute, or DISABLED. */
export const describeTimeToLive: Action = async (context, request) => {
  const data = validateRequest(context.store, describeTimeToLiveValidation, request)
  const name = data.TableName as string
  await getTable(context.store, name, false)
  const timeToLive = context.settings.get(name)?.timeToLive
  return {
    TimeToLiveDescription: timeToLive?.enabled
      ? { TimeToLiveStatus: 'ENABLED', AttributeName: timeToLive.attributeName }
      : { TimeToLiveStatus: 'DISABLED' },
  } satisfies DescribeTimeToLiveOutput
}
