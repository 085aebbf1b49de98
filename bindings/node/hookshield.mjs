// ES module entry of `hookshield`: the same API as the CommonJS entry (hookshield.js).
import hookshield from './hookshield.js';

export const {
  Verifier,
  Event,
  VerificationError,
  MemoryStore,
  RedisStore,
  Inbox,
  Router,
  sign,
  sample,
  sampleTypes,
  rejectionStatus,
  errorCodes,
  providers,
  handle,
  express,
  fastify,
  httpHandler,
  fetchHandler,
  handleDelivery,
} = hookshield;

export default hookshield;
