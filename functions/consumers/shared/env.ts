/** An environment variable's value; throws naming the variable when it is missing. */
export function requireEnv(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`environment variable ${name} is not set`)
  return value
}
