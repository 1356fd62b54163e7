/** The cases file parser: the shipped file is valid; bad input names the file, the line, the case and the step. */
import t from 'tap'
import { CasesFileError, loadCasesFile, parseCasesFile } from '../../../../gateway/tooling/golden/cases-file.js'
import { runCli } from '../../../helpers/run-cli.js'

const problemsOf = (text: string): string[] => {
  try {
    parseCasesFile(text, 'bad.yaml')
  } catch (err) {
    if (err instanceof CasesFileError) return err.problems
    throw err
  }
  return []
}

t.test('the shipped cases file parses', async (t) => {
  const file = await loadCasesFile('golden/cases.yaml')
  t.same(file.cases.map((c) => c.name).slice(0, 3), ['simple greeting', 'multi-turn conversation', 'model switching'])
  t.ok(file.cases.some((c) => c.name.startsWith('scenario')) && file.cases.some((c) => c.name.startsWith('watch')), 'chat, scenario and watch cases')
  t.ok(file.ignorePaths.includes('timestamp') && file.ignorePaths.includes('session_id'))
  t.same(file.cases[0].steps[0], {
    method: 'POST', path: '/api/start_chat', csrf: true, json: { model: null, partner_type: 'senior', situation: 'lunch', topic: 'hobby' }
  })
})

t.test('defaults: GET, and timestamp and session_id ignored', async (t) => {
  const file = parseCasesFile('cases:\n  - name: one\n    steps:\n      - path: /health\n')
  t.same(file.cases[0].steps[0], { method: 'GET', path: '/health' })
  t.same(file.ignorePaths, ['timestamp', 'session_id'])
})

t.test('every problem names the file, the line, the case and the step', async (t) => {
  const problems = problemsOf([
    'cases:',
    '  - name: fine',
    '    steps: [{ path: /a }]',
    '  - name: broken',
    '    steps:',
    '      - { method: FETCH, path: /a }',
    '      - { path: no-slash, json: {}, body: x }',
    '      - { path: /b, compare: { mode: fuzzy, colour: red } }',
    '  - name: fine',
    '    steps: [{ path: /a, extra: 1 }]',
    '  - steps: []'
  ].join('\n'))
  t.same(problems, [
    'bad.yaml:4 case "broken" step 1: method "FETCH" is not an HTTP method',
    'bad.yaml:4 case "broken" step 2: path must be a string starting with /',
    'bad.yaml:4 case "broken" step 2: json and body cannot both be given',
    'bad.yaml:4 case "broken" step 3: compare.mode must be exact, shape or sse',
    'bad.yaml:4 case "broken" step 3: compare.colour is not a compare rule',
    'bad.yaml:9 case "fine": the name is used by an earlier case',
    'bad.yaml:9 case "fine" step 1: unknown key "extra"',
    'bad.yaml:11 cases[3]: name must be a non-empty string',
    'bad.yaml:11 cases[3]: steps must be a non-empty list of requests'
  ])
})

t.test('YAML that does not parse, and the wrong top level', async (t) => {
  t.match(problemsOf('cases: [\n  - {'), [/^bad\.yaml:\d+: /])
  t.same(problemsOf('- a\n- b\n'), ['bad.yaml: must be a mapping with a cases list'])
  t.same(problemsOf('cases: []\nextra: 1\n'), ['bad.yaml: unknown top-level key "extra"', 'bad.yaml: cases must be a non-empty list'])
})

t.test('the CLI reports a bad cases file with exit code 1, before sending anything', async (t) => {
  const file = `${t.testdir({ 'cases.yaml': 'cases:\n  - name: x\n    steps: [{ path: nope }]\n' })}/cases.yaml`
  const run = await runCli(['golden', 'record', '--cases', file, '--target', 'http://127.0.0.1:9', '--out', `${file}.json`])
  t.equal(run.code, 1)
  t.match(run.err, /cases\.yaml:2 case "x" step 1: path must be a string starting with \//)
  const usage = await runCli(['golden', 'record', '--cases', file])
  t.equal(usage.code, 2, 'a missing option is a usage error')
})
