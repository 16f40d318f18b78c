export { decide } from './decide.ts'
export {
  IllegalOrderStateError,
  InvalidOrderCommandError,
  OrderError,
  ProjectionGapError,
} from './errors.ts'
export { evolve } from './evolve.ts'
export type {
  CancelOrder,
  CommandMetadata,
  OrderCommand,
  OrderLine,
  PlaceOrder,
  SettleOrder,
} from './order-commands.ts'
export { orderDecider } from './order-decider.ts'
export {
  ORDER_STREAM_PREFIX,
  type OrderCancelled,
  type OrderConfirmed,
  type OrderPlaced,
  type OrderStreamEvent,
  orderStreamId,
} from './order-events.ts'
export {
  type CancelledBy,
  initialOrderState,
  type OrderState,
  type OrderStatus,
  statusOf,
} from './order-state.ts'
export { type OrderView, orderStateOf, toOrderView, type ViewPosition } from './order-view.ts'
export { projectOrderView, type ViewProjection } from './project-order-view.ts'
