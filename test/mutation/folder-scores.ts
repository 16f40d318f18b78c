/**
 * A Stryker reporter (`appendPlugins` in stryker.config.json) that ends `npm run mutate`
 * with one mutation score per folder the config mutates, the figure the README's testing
 * section quotes, and fails the run when a folder is below `thresholds.break`: Stryker's own
 * break applies to the total only, which a large, well-tested folder can carry.
 *
 * With `--incremental` the report holds every mutant measured so far, also those of files a
 * `--mutate` run left out, so a folder's score is complete once each of its files was run.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

interface Options {
  readonly configFile?: string
  readonly thresholds: { readonly break: number | null }
}

interface Report {
  readonly files: Record<string, { readonly mutants: readonly { readonly status: string }[] }>
}

interface FolderScore {
  readonly folder: string
  readonly detected: number
  readonly undetected: number
  readonly files: number
}

/**
 * The folders the config file mutates (each `mutate` pattern up to its first wildcard), read
 * from the file: a `--mutate` on the command line narrows the run, not the folders reported.
 */
function configuredFolders(configFile: string): string[] {
  const { mutate } = JSON.parse(readFileSync(configFile, 'utf8')) as { mutate: string[] }
  return mutate
    .filter((pattern) => !pattern.startsWith('!'))
    .map((pattern) => pattern.slice(0, pattern.indexOf('*')))
}

export function folderScores(report: Report, configFile: string): FolderScore[] {
  const files = Object.entries(report.files).map(([name, file]) => ({
    name: path.relative(process.cwd(), path.resolve(name)).split(path.sep).join('/'),
    mutants: file.mutants,
  }))
  return configuredFolders(configFile).map((folder) => {
    const inFolder = files.filter(({ name }) => name.startsWith(folder))
    const statuses = inFolder.flatMap(({ mutants }) => mutants.map(({ status }) => status))
    const count = (...wanted: string[]) => statuses.filter((s) => wanted.includes(s)).length
    return {
      folder,
      // Stryker's mutation score: killed and timed-out mutants over those that ran or had no
      // test; ignored ones and compile or runtime errors are not counted.
      detected: count('Killed', 'Timeout'),
      undetected: count('Survived', 'NoCoverage'),
      files: inFolder.length,
    }
  })
}

export function describeFolderScores(scores: readonly FolderScore[], breakAt: number | null) {
  const lines = scores.map(({ folder, detected, undetected, files }) => {
    const valid = detected + undetected
    const score = valid === 0 ? 'not measured' : `${((100 * detected) / valid).toFixed(2)} %`
    return `  ${folder.padEnd(20)} ${score.padStart(8)}  (${detected} of ${valid} mutants killed or timed out, in ${files} files)`
  })
  const threshold = breakAt === null ? '' : ` (the run fails below ${breakAt} % in any folder)`
  return [`Mutation score by folder${threshold}:`, ...lines].join('\n')
}

function belowBreak(score: FolderScore, breakAt: number | null): boolean {
  const valid = score.detected + score.undetected
  return breakAt !== null && valid > 0 && (100 * score.detected) / valid < breakAt
}

class FolderScoreReporter {
  static inject = ['options'] as const
  readonly #options: Options

  constructor(options: Options) {
    this.#options = options
  }

  onMutationTestReportReady(report: Report): void {
    const configFile = this.#options.configFile ?? 'stryker.config.json'
    const scores = folderScores(report, configFile)
    const breakAt = this.#options.thresholds.break
    console.log(`\n${describeFolderScores(scores, breakAt)}`)
    const failing = scores.filter((score) => belowBreak(score, breakAt))
    if (failing.length > 0) {
      console.log(`Below the break threshold: ${failing.map(({ folder }) => folder).join(', ')}`)
      process.exitCode = 1
    }
  }
}

export const strykerPlugins = [
  { kind: 'Reporter', name: 'folder-scores', injectableClass: FolderScoreReporter },
]
