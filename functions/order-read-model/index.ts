/**
 * The order read model (the orders table): projected live by the projections consumer, and
 * rebuilt by replaying the event store (`pipeline replay`), with the same fold.
 */
export {
  type OrderProjection,
  type ProjectionDeps,
  projectOrder,
} from './project-order.ts'
export {
  type RebuildOptions,
  type RebuildProgress,
  rebuildReadModel,
} from './rebuild-read-model.ts'
