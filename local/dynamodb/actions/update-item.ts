import updateItemAction from 'dynalite/actions/updateItem.js'
import * as updateItemValidation from 'dynalite/validations/updateItem.js'
import { singleItemWrite } from './single-item-write.ts'

export const updateItem = singleItemWrite(updateItemValidation, updateItemAction)
