/** The parts of a CloudFormation template the provisioner reads. */
export interface CfnTemplate {
  readonly Parameters?: Record<string, CfnParameter>
  readonly Conditions?: Record<string, unknown>
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>
  readonly Resources?: Record<string, CfnResource>
  readonly Outputs?: Record<string, CfnOutput>
}

interface CfnParameter {
  readonly Type: string
  readonly Default?: unknown
}

export interface CfnResource {
  readonly Type: string
  readonly Properties?: Record<string, unknown>
  readonly DependsOn?: string | readonly string[]
  readonly Condition?: string
  readonly Metadata?: Record<string, unknown>
}

interface CfnOutput {
  readonly Value: unknown
  readonly Description?: string
  readonly Condition?: string
  readonly Export?: { readonly Name: unknown }
}

/** Where the stack is "deployed": the values of the pseudo parameters. */
export interface StackEnvironment {
  readonly stackName: string
  readonly region: string
  readonly accountId: string
}

/** The account emulators use in ARNs and queue URLs. */
export const emulatorAccountId = '000000000000'
