/** Open scopes by request id: an id two open requests share finds neither, until one closes. */
import t from 'tap'
import { ScopesById, type TraceScope } from '../../../../gateway/data-plane/tracing/trace-scope.js'

t.test('one open scope per id is found; a shared id finds none; a closed one is gone', async (t) => {
  const scopes = new ScopesById()
  const a = { span: 'a' } as unknown as TraceScope
  const b = { span: 'b' } as unknown as TraceScope
  scopes.add('req-1', a)
  t.equal(scopes.get('req-1'), a)
  scopes.add('req-1', b)
  t.equal(scopes.get('req-1'), undefined, 'two requests with one id: neither is guessed')
  scopes.delete('req-1')
  scopes.delete('req-1')
  t.equal(scopes.get('req-1'), undefined, 'both closed')
  scopes.delete('req-1')
  scopes.add('req-1', b)
  t.equal(scopes.get('req-1'), b, 'a new request with the id is found, a stray delete did not count')
})
