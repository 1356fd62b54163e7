/**
 * The Flask session interop layer: what the gateway, the legacy stand-in and the new services
 * import. See each file for the exact Flask / Flask-Session / cachelib behaviour it matches.
 */
export type { SessionData, SessionStore, SessionCookieCodec } from './session-types.js'
export * from './errors.js'
export * from './flask-defaults.js'
export { readCookie, MAX_COOKIE_HEADER_CHARS } from './read-cookie.js'
export { createSessionCookieCodec, isPlausibleSessionId, FLASK_SESSION_SALT, MAX_SESSION_ID_CHARS, type SessionCookieCodecOptions } from './cookie-codec.js'
export { PyFloat } from './py-float.js'
export { readPickle, type PickleReadOptions } from './pickle-reader.js'
export { writePickle, type PickleWriteOptions } from './pickle-writer.js'
export {
  createPickleCodec, createMsgpackCodec, createJsonCodec, pickleCodec, msgpackCodec, jsonCodec, valueCodecByName,
  type ValueCodec, type ValueCodecName, type PickleCodecOptions
} from './value-codec.js'
export { mergeTopLevel, changedKeys } from './merge-top-level.js'
export { createRedisSessionStore, type RedisSessionStore, type RedisSessionStoreOptions } from './redis-store.js'
export { createFileSystemSessionStore, cachelibFileName, type FileSystemSessionStore, type FileSystemSessionStoreOptions } from './filesystem-store.js'
export {
  SNAPSHOT_HEADER, SNAPSHOT_TTL_HEADER, SNAPSHOT_STATUS_HEADER, DEFAULT_SNAPSHOT_KEY_PREFIX, DEFAULT_SNAPSHOT_TTL_MS,
  isSnapshotKey, resultKey, encodeSnapshot, decodeSnapshot, type SnapshotStore
} from './shadow-snapshot.js'
export { createRedisSnapshotStore, type RedisSnapshotStoreOptions } from './shadow-snapshot-redis-store.js'
export {
  createRedisClient, duplicateRedisClient, redisTargetFromEnv, parseClusterNodes, describeRedisTarget, isClusterTarget, isRedisClient,
  hasHashTag, clusterKeyPrefix, type RedisClient, type RedisTarget, type RedisClusterTarget, type RedisClusterNode
} from './redis-connection.js'
