import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeFolderScores, folderScores } from '../../mutation/folder-scores.ts'

const mutants = (...statuses: string[]) => ({ mutants: statuses.map((status) => ({ status })) })

function configWith(mutate: string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'folder-scores-')), 'stryker.config.json')
  writeFileSync(file, JSON.stringify({ mutate }))
  return file
}

describe('folder scores of a Stryker report', () => {
  const report = {
    files: {
      'functions/runtime/a.ts': mutants('Killed', 'Killed', 'Survived', 'Ignored'),
      'functions/runtime/deep/b.ts': mutants('Timeout', 'NoCoverage', 'CompileError'),
      // Report names are relative to the project; an absolute one is placed all the same.
      [path.resolve('local/dynamodb/c.ts')]: mutants('Killed', 'RuntimeError'),
      'functions/other/d.ts': mutants('Survived'),
    },
  }
  const config = configWith([
    'functions/runtime/**/*.ts',
    'local/dynamodb/**/*.ts',
    '!local/dynamodb/thread.ts',
  ])

  it('counts killed and timed-out mutants over those that ran or had no test, per configured folder', () => {
    expect(folderScores(report, config)).toEqual([
      { folder: 'functions/runtime/', detected: 3, undetected: 2, files: 2 },
      { folder: 'local/dynamodb/', detected: 1, undetected: 0, files: 1 },
    ])
  })

  it('prints one line a folder, and says when a folder has not been measured', () => {
    const text = describeFolderScores(
      [...folderScores(report, config), { folder: 'lib/', detected: 0, undetected: 0, files: 0 }],
      80,
    )
    expect(text.split('\n')).toEqual([
      'Mutation score by folder (the run fails below 80 % in any folder):',
      expect.stringMatching(
        /^ {2}functions\/runtime\/ +60\.00 % {2}\(3 of 5 mutants .* in 2 files\)$/,
      ),
      expect.stringMatching(/^ {2}local\/dynamodb\/ +100\.00 % {2}\(1 of 1 mutants/),
      expect.stringMatching(/^ {2}lib\/ +not measured/),
    ])
  })
})
