import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** A second embedded AWS asked for a data folder another one is using. */
class DataDirInUseError extends Error {
  override name = 'DataDirInUseError'
  constructor(dataDir: string, pid: number) {
    super(
      `the data folder ${dataDir} is in use by another pipeline or embedded AWS (process ${pid}${pid === process.pid ? ', this one' : ''}): stop it first, or choose another --data-dir`,
    )
  }
}

/** Folders locked by this process, which the pid in the lock file cannot tell apart. */
const heldHere = new Set<string>()

/**
 * Takes the data folder for this process: `pipeline.lock` holds its pid. Two stores on one
 * folder would each overwrite what the other wrote (LevelDB refuses a second opener
 * with an unhelpful error, SQLite does not refuse). A lock whose process is gone (kill -9)
 * is taken over. Returns the function that gives the folder back.
 */
export function lockDataDir(dataDir: string): () => void {
  const folder = resolve(dataDir)
  const file = join(folder, 'pipeline.lock')
  mkdirSync(folder, { recursive: true })
  if (heldHere.has(folder)) throw new DataDirInUseError(dataDir, process.pid)
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const holder = Number(readFileSync(file, 'utf8'))
    if (holder !== process.pid && isAlive(holder)) throw new DataDirInUseError(dataDir, holder)
    writeFileSync(file, String(process.pid))
  }
  heldHere.add(folder)
  return () => {
    heldHere.delete(folder)
    rmSync(file, { force: true })
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

/**
 * A process killed with -9 stays a zombie until its parent reaps it, and signal 0 still
 * reaches a zombie: on Linux its state in /proc tells (elsewhere, assume it runs).
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false
  }
}
