/**
 * @heimdall/verify: verify Heimdall's access tokens inside a Node service (README.md).
 */
export { createVerifier, type Verifier, type VerifierOptions, type VerifierStats } from './verifier.js'
export { createRevocationSet, type RevocationSet } from './revocations.js'
export { createStreamRevocations, type StreamRevocations, type StreamRevocationsOptions } from './stream.js'
export { koaMiddleware, expressMiddleware, bearerTokenOf, refusalResponse } from './middleware.js'
export type { Validation, VerificationCode } from './answer.js'
