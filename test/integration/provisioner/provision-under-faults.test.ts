import { describe, expect, it } from 'vitest'
import { createPipelineApp } from '../../../lib/app.ts'
import { synthesizeStack } from '../../../local/pipeline/synthesize-stack.ts'
import { planProvisioning } from '../../../local/provisioner/plan.ts'
import { provision } from '../../../local/provisioner/provision.ts'
import { emulatorAccountId } from '../../../local/provisioner/template.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'

// A third of every request fails: more than `pipeline dev --faults` is ever given.
const embedded = useEmbeddedAws({
  faults: 'sqs:throttle=15%,5xx=15%; sns:throttle=15%,5xx=15%; dynamodb:throttle=15%,5xx=15%',
})

describe('the provisioner under injected faults', () => {
  it('creates the whole stack, outlasting throttling and 5xx as CloudFormation does', async () => {
    const { stackName, template } = synthesizeStack(createPipelineApp)
    const plan = planProvisioning(template, {
      stackName,
      region: 'us-east-1',
      accountId: emulatorAccountId,
    })
    const stack = await provision(plan, { endpoint: embedded.endpoint })
    expect(stack.outputs.EventTopicArn).toMatch(/^arn:aws:sns:/)
    const injected = Object.values(await embedded.aws.faults.report())
    expect(
      injected.reduce((n, c) => n + (c.errors.throttle ?? 0) + (c.errors['5xx'] ?? 0), 0),
    ).toBeGreaterThan(5)
  }, 120_000)
})
