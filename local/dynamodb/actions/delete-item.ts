import deleteItemAction from 'dynalite/actions/deleteItem.js'
import * as deleteItemValidation from 'dynalite/validations/deleteItem.js'
import { singleItemWrite } from './single-item-write.ts'

export const deleteItem = singleItemWrite(deleteItemValidation, deleteItemAction)
