import t from 'tap'
import * as errors from '../../../legacy-adapter/session/errors.js'

t.test('every error class has a listed LA_ERR_ code, and the list has no strays', async (t) => {
  const codes = Object.entries(errors)
    .filter(([name]) => /^[A-Z]\w*Error$/.test(name))
    .map(([, ErrorClass]) => new (ErrorClass as new (...args: unknown[]) => { code: string })('x', 'y', 0).code)
  t.strictSame([...codes].sort(), [...errors.LEGACY_SESSION_ERROR_CODES].sort())
  for (const code of codes) t.match(code, /^LA_ERR_[A-Z_]+$/)
})

t.test('isLegacySessionError tells ours from foreign errors', async (t) => {
  t.ok(errors.isLegacySessionError(new errors.PickleInvalidError(3, 'x')))
  t.notOk(errors.isLegacySessionError(new RangeError('x')))
  t.notOk(errors.isLegacySessionError(Object.assign(new Error('x'), { code: 'ENOENT' })))
  t.notOk(errors.isLegacySessionError(null))
})
