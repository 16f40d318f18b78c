import putItemAction from 'dynalite/actions/putItem.js'
import * as putItemValidation from 'dynalite/validations/putItem.js'
import { singleItemWrite } from './single-item-write.ts'

export const putItem = singleItemWrite(putItemValidation, putItemAction)
