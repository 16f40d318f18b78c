#!/usr/bin/env -S npx tsx
// `npm run deploy:local [-- cdk options]`: cdklocal bootstrap, then cdklocal deploy of every
// stack (throwaway data: dataRemovalPolicy=destroy), with the environment cdklocal 3.x needs
// to deploy where `pipeline --target localstack` looks (cli/cdklocal-environment.ts).
import { spawnSync } from 'node:child_process'
import { cdklocalEnvironment } from '../cli/cdklocal-environment.ts'
import { STAGE_CONTEXT } from '../contracts/stage.ts'

/** LocalStack's account for the test credentials cdklocal uses. */
const LOCALSTACK_ACCOUNT = '000000000000'

const { env, endpoint, region } = cdklocalEnvironment(process.env)
const cdkArgs = process.argv.slice(2)
const stage = cdkArgs.join(' ').match(new RegExp(`${STAGE_CONTEXT}=(\\S+)`))?.[1]
console.error(
  `deploying to LocalStack at ${endpoint ?? 'localhost.localstack.cloud:4566'} in ${region}; then: npx pipeline status --target localstack${endpoint ? ` --endpoint ${endpoint}` : ''} --region ${region}${stage ? ` --stage ${stage}` : ''}`,
)
const cdklocal = (args: string[]) => {
  const result = spawnSync('cdklocal', args, { stdio: 'inherit', env })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
// An explicit environment: bootstrapping needs no synth of the app.
cdklocal(['bootstrap', `aws://${LOCALSTACK_ACCOUNT}/${region}`])
cdklocal([
  'deploy',
  '--all',
  '--require-approval',
  'never',
  '-c',
  'dataRemovalPolicy=destroy',
  ...cdkArgs,
])
