import { RemovalPolicy, Validations } from 'aws-cdk-lib'
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb'
import { Construct } from 'constructs'
import { IDEMPOTENCY_TABLE_SCHEMA } from '../contracts/idempotency-table.ts'

/** Props of an {@link IdempotencyTable}. */
export interface IdempotencyTableProps {
  /**
   * What happens to the table when it leaves the stack. Records are short-lived (TTL), so
   * losing them only reopens the dedupe window.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy
}

/**
 * The table where consumers keep one record per processed event, keyed and expired as
 * {@link IDEMPOTENCY_TABLE_SCHEMA} says, on-demand billing. Shared by all consumers; each may only touch the
 * items under its own key prefix (see `Consumer`).
 */
export class IdempotencyTable extends Construct {
  /** The table. */
  readonly table: Table

  constructor(scope: Construct, id: string, props: IdempotencyTableProps = {}) {
    super(scope, id)
    this.table = new Table(this, 'Table', {
      partitionKey: { name: IDEMPOTENCY_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE_SCHEMA.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    })
    Validations.of(this.table).acknowledge({
      id: 'AwsSolutions::AwsSolutions-DDB3',
      reason:
        'Idempotency records expire within the dedupe window (TTL); restoring them to a point in time has no use, so point-in-time recovery is not paid for.',
    })
  }
}
