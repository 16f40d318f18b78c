#!/usr/bin/env -S npx tsx
// The CDK app entry (cdk.json runs it with tsx). Everything lives in lib/app.ts.
import { createPipelineApp } from '../lib/app.ts'

createPipelineApp().app.synth()
