// The project's import rules (README "Layout"; npm run lint checks them):
//   bin/ → cli/ → local/, lib/, functions/ → contracts/
// lib/ (CDK) and functions/ (Lambda code) never import each other: what both sides must
// agree on lives in contracts/, which imports nothing of ours and nothing heavy.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-not-to-functions',
      comment:
        'lib/ (CDK constructs) must not import Lambda code: move what both sides need into contracts/',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^functions/' },
    },
    {
      name: 'functions-not-to-lib',
      comment:
        'functions/ (Lambda code) must not import the CDK side: move what both sides need into contracts/',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^lib/' },
    },
    {
      name: 'contracts-import-nothing-of-ours',
      comment: 'contracts/ is the floor: it imports only other contracts',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(bin|cli|functions|lib|local|test)/' },
    },
    {
      name: 'contracts-import-no-packages',
      comment: 'contracts/ is pure TypeScript: no aws-cdk-lib, no SDK clients, no npm package',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg'] },
    },
    {
      name: 'cli-not-to-constructs',
      comment:
        'cli/ reads the pipeline through contracts/ (output keys, metric names); only the app (lib/app.ts), which `pipeline dev` synthesizes, is allowed',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^lib/', pathNot: '^lib/app\\.ts$' },
    },
    {
      name: 'local-not-to-the-app',
      comment:
        'the embedded AWS, the provisioner and the local Lambda are generic: the caller passes the app in',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(lib|cli|bin)/' },
    },
    {
      name: 'only-tests-import-tests',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.local)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
