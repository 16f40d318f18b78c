import type { Target } from '../target.ts'
import { CloudPipelineReader } from './cloud-pipeline-reader.ts'
import { EmbeddedPipelineReader } from './embedded-pipeline-reader.ts'
import type { PipelineReader } from './pipeline-reader.ts'

export type {
  ConsumerFigures,
  IdempotencyRecord,
  PipelineReader,
  StackTemplate,
  StoredEventPlace,
  SubscriptionFilter,
} from './pipeline-reader.ts'
export { totalMessages } from './queue-depth.ts'

/** The reader for a target: the running `pipeline dev` on embedded, the deployed stack elsewhere. */
export function pipelineReader(target: Target): PipelineReader {
  return target.name === 'embedded'
    ? new EmbeddedPipelineReader(target)
    : new CloudPipelineReader(target)
}
