export { decide } from './decide.ts'
export { InvalidPaymentCommandError, PaymentError } from './errors.ts'
export { evolve } from './evolve.ts'
export type {
  AuthorizePayment,
  PaymentCommand,
  ProviderAnswer,
  VoidPayment,
} from './payment-commands.ts'
export { paymentDecider } from './payment-decider.ts'
export {
  type PaymentAuthorized,
  type PaymentDeclined,
  type PaymentStreamEvent,
  type PaymentVoided,
  paymentStreamId,
} from './payment-events.ts'
export {
  initialPaymentState,
  type PaymentState,
  type PaymentStatus,
} from './payment-state.ts'
