import type { Command } from 'commander'
import { CliError } from './cli-error.ts'
import { describeChange } from './contracts/contract-changes.ts'
import {
  CONTRACT_PATH,
  checkContract,
  readCommittedContract,
  writeContract,
} from './contracts/contract-file.ts'

interface ContractsOptions {
  readonly update?: boolean
}

/**
 * `pipeline contracts` (`npm run contracts`): the breaking-change gate. Compares the live
 * catalogue with the committed AsyncAPI document; fails on a breaking change to an existing
 * event type or version, and when the document is behind the catalogue. `--update` writes
 * compatible changes to the document, never breaking ones.
 */
export function registerContractsCommand(program: Command): void {
  program
    .command('contracts')
    .description(
      `check the catalogue against the committed contract (${CONTRACT_PATH}): breaking changes fail`,
    )
    .option('--update', `write compatible changes to ${CONTRACT_PATH}`)
    .action((options: ContractsOptions) => {
      const committed = readCommittedContract()
      const check = checkContract(committed)
      if (check.breaking.length > 0) {
        throw new CliError(
          [
            `${check.breaking.length} breaking change${check.breaking.length === 1 ? '' : 's'} against ${CONTRACT_PATH}:`,
            ...check.breaking.map((c) => `  ${describeChange(c)}`),
          ].join('\n'),
        )
      }
      const compatible = check.changes.map((c) => `  ${describeChange(c)}`)
      if (check.upToDate) {
        console.log(`contracts: ${CONTRACT_PATH} matches the catalogue`)
        return
      }
      if (options.update || committed === undefined) {
        writeContract(check.text)
        console.log([`contracts: wrote ${CONTRACT_PATH}; commit it`, ...compatible].join('\n'))
        return
      }
      throw new CliError(
        [
          `${CONTRACT_PATH} is behind the catalogue; the changes are compatible: run npm run contracts -- --update and commit it`,
          ...(compatible.length > 0
            ? compatible
            : ['  (no schema change: consumers, producers, examples or descriptions)']),
        ].join('\n'),
      )
    })
}
