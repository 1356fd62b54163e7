/**
 * Flask and Flask-Session defaults the legacy app relies on (docs/legacy-app.md §3.1), in one
 * place so the stores, the stand-in and the gateway agree.
 */

/** Flask's SESSION_COOKIE_NAME. */
export const FLASK_SESSION_COOKIE_NAME = 'session'

/** Flask-Session's SESSION_KEY_PREFIX default (filesystem mode of the legacy app). */
export const FLASK_SESSION_KEY_PREFIX = 'session:'

/** The legacy app's prefix in Redis mode. */
export const LEGACY_REDIS_KEY_PREFIX = 'workplace-roleplay:'

/** Flask's PERMANENT_SESSION_LIFETIME default: 31 days. */
export const FLASK_PERMANENT_SESSION_LIFETIME_S = 31 * 24 * 60 * 60
