/**
 * Every error the gateway answers with or throws, in one place. Codes are stable: scripts and
 * dashboards match on them. `docs/errors.md` lists the same codes; a test keeps the two in step.
 */
import createError from '@fastify/error'

export const UpstreamUnreachableError = createError(
  'GW_ERR_UPSTREAM_UNREACHABLE', 'upstream %s is unreachable; check that it is running and that routes.yaml points at it', 502)

export const UpstreamTimeoutError = createError(
  'GW_ERR_UPSTREAM_TIMEOUT', 'upstream %s did not answer within %d ms; look at the upstream, or raise its timeouts in routes.yaml', 504)

export const UpstreamResetError = createError(
  'GW_ERR_UPSTREAM_RESET', 'upstream %s closed the connection before it finished answering', 502)

export const UpstreamProtocolError = createError(
  'GW_ERR_UPSTREAM_PROTOCOL', 'upstream %s sent a response that is not valid HTTP', 502)

export const UpstreamFailedError = createError(
  'GW_ERR_UPSTREAM_FAILED', 'the call to upstream %s failed: %s', 502)

export const BodyTooLargeError = createError(
  'GW_ERR_BODY_TOO_LARGE', 'request body is larger than the %d bytes this gateway accepts (limits.bodyBytes)', 413)

export const ConfigInvalidError = createError(
  'GW_ERR_CONFIG_INVALID', '%s', 500)

export const ConfigReadError = createError(
  'GW_ERR_CONFIG_READ', 'cannot read %s: %s', 500)

export const AdminUnauthorizedError = createError(
  'GW_ERR_ADMIN_UNAUTHORIZED', 'admin API needs "Authorization: Bearer <GATEWAY_ADMIN_TOKEN>"', 401)

export const AdminForbiddenError = createError(
  'GW_ERR_ADMIN_FORBIDDEN', 'no admin token is configured, so the admin API only answers loopback callers; set GATEWAY_ADMIN_TOKEN', 403)

export const UnknownFeatureError = createError(
  'GW_ERR_ADMIN_UNKNOWN_FEATURE', 'feature "%s" is not defined in routes.yaml', 404)

export const PinsDisabledError = createError(
  'GW_ERR_PINS_DISABLED', 'tester pins are off: set GATEWAY_PIN_SECRET (the same on every replica) to issue and accept them', 409)

export const AdminBadRequestError = createError(
  'GW_ERR_ADMIN_BAD_REQUEST', '%s', 400)

export const OverridesUnavailableError = createError(
  'GW_ERR_OVERRIDES_UNAVAILABLE', 'the override store (Redis) is unavailable, so the change was not made; the gateway keeps serving with the flags it last knew. Retry when Redis is back: %s', 503)

export const AdminReloadRejectedError = createError(
  'GW_ERR_ADMIN_RELOAD_REJECTED', 'routes.yaml was not reloaded because it has problems; the previous configuration stays in force. Fix the file and reload again', 422)

export const AdminNotFoundError = createError(
  'GW_ERR_ADMIN_NOT_FOUND', 'no admin endpoint %s %s; see docs/admin-api.md', 404)

export const RolloutNoPlanError = createError(
  'GW_ERR_ROLLOUT_NO_PLAN', 'feature "%s" has no rollout plan; add features.%s.rollout to routes.yaml and reload', 409)

export const RolloutBadPlanError = createError(
  'GW_ERR_ROLLOUT_BAD_PLAN', 'the rollout plan cannot run: %s; fix routes.yaml and reload', 422)

export const RolloutConflictError = createError(
  'GW_ERR_ROLLOUT_CONFLICT', '%s', 409)

export const RolloutUnavailableError = createError(
  'GW_ERR_ROLLOUT_UNAVAILABLE', 'the rollout state (Redis) is unavailable, so nothing changed; the gateway keeps serving with the flags it last knew. Retry when Redis is back: %s', 503)
