/** Assertions the contract checks share. */
import type { Test } from 'tap'
import type { ContractResponse } from '../contract-client.js'
import { ERROR_ID, flaskJsonProblems } from '../wire.js'

export const sortedKeys = (value: unknown): string[] =>
  value !== null && typeof value === 'object' ? Object.keys(value).sort() : []

/** Status plus "this is Flask jsonify output". */
export function expectJson (t: Test, response: ContractResponse, status: number, what: string): void {
  t.equal(response.status, status, `${what}: status ${status}`)
  t.same(flaskJsonProblems(response.headers['content-type'], response.text), [], `${what}: Flask jsonify wire format`)
}

/** The AppError shape: {"error": {"code", "error_id", "message"}}. */
export function expectAppError (t: Test, response: ContractResponse, status: number, code: string, what: string): void {
  expectJson(t, response, status, what)
  t.same(sortedKeys(response.json), ['error'], `${what}: only an error key`)
  t.same(sortedKeys(response.json?.error), ['code', 'error_id', 'message'], `${what}: AppError keys`)
  t.equal(response.json?.error?.code, code, `${what}: code ${code}`)
  t.match(response.json?.error?.error_id, ERROR_ID, `${what}: error_id is 8 hex`)
  t.type(response.json?.error?.message, 'string', `${what}: message is a string`)
}

/** Status, content type and the body byte for byte. */
export function expectExactBody (t: Test, response: ContractResponse, status: number, text: string, what: string): void {
  t.equal(response.status, status, `${what}: status ${status}`)
  t.equal(response.headers['content-type'], 'application/json', `${what}: content-type`)
  t.equal(response.text, text, `${what}: body bytes`)
}

/** A route-level error: exactly {"error": message}. */
export function expectRouteError (t: Test, response: ContractResponse, status: number, message: string, what: string): void {
  expectJson(t, response, status, what)
  t.same(response.json, { error: message }, `${what}: body`)
}

export function expectNonEmptyString (t: Test, value: unknown, what: string): void {
  t.type(value, 'string', `${what} is a string`)
  t.ok(typeof value === 'string' && value.length > 0, `${what} is not empty`)
}
