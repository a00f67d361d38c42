/** Remote rerankers: TEI, Cohere-compatible (Cohere, Jina, vLLM, Infinity) and Voyage endpoints. */
export { scoreKindOf, scoreRemote, type RemoteLimits, type RemoteRerankRequest, type RemoteRerankResult } from './score-remote';
export { RemoteRerankError, isRemoteRerankError, type RemoteErrorCode } from './errors';
export { PROTOCOLS, isRemoteKind, type RemoteKind, type ScoreKind } from './protocols';
