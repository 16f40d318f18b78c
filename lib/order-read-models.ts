import { RemovalPolicy } from 'aws-cdk-lib'
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb'
import { Construct } from 'constructs'
import { ORDER_TABLE_SCHEMAS } from '../contracts/order-tables.ts'

/** Props of {@link OrderReadModels}. */
export interface OrderReadModelsProps {
  /**
   * What happens to the tables when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy
}

/** The demo order domain's state and read-model tables; see {@link ORDER_TABLE_SCHEMAS}. */
export class OrderReadModels extends Construct {
  /** Stock levels and reservations. */
  readonly inventory: Table
  /** Payment authorizations. */
  readonly payments: Table
  /** Notifications sent, per order. */
  readonly notifications: Table
  /** The order read model. */
  readonly orders: Table

  constructor(scope: Construct, id: string, props: OrderReadModelsProps = {}) {
    super(scope, id)
    const common = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    }
    const s = ORDER_TABLE_SCHEMAS
    this.inventory = new Table(this, 'Inventory', {
      ...common,
      partitionKey: { name: s.inventory.partitionKey, type: AttributeType.STRING },
    })
    this.payments = new Table(this, 'Payments', {
      ...common,
      partitionKey: { name: s.payments.partitionKey, type: AttributeType.STRING },
    })
    this.notifications = new Table(this, 'Notifications', {
      ...common,
      partitionKey: { name: s.notifications.partitionKey, type: AttributeType.STRING },
      sortKey: { name: s.notifications.sortKey, type: AttributeType.STRING },
    })
    this.orders = new Table(this, 'Orders', {
      ...common,
      partitionKey: { name: s.orders.partitionKey, type: AttributeType.STRING },
    })
    this.orders.addGlobalSecondaryIndex({
      indexName: s.orders.byCustomerIndex.name,
      partitionKey: { name: s.orders.byCustomerIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: s.orders.byCustomerIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    })
  }
}
