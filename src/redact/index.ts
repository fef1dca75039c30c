/**
 * Redaction, the one choke-point every collected artifact passes through before it touches disk:
 * redactText for whole text files, createRedactStream for logs, redactK8sObject for Kubernetes
 * objects. Each returns what it replaced, by kind, as data (for manifest.json).
 */
export { redactText, type RedactResult } from './text.js';
export { redactBody, redactJsonBody } from './json-blocks.js';
export { createRedactStream, DEFAULT_MAX_LINE_CHARS, type RedactStream, type RedactStreamOptions } from './stream.js';
export { redactK8sObject, type K8sRedactResult } from './k8s.js';
export { SECRET_KINDS, MARKER_PREFIX, marker, isMarker, type SecretKind, type RedactionCounts } from './kinds.js';
export { findSecrets, type SecretSpan } from './detect.js';
export { LineInspector, type LineInspection } from './lines.js';
export { secretKindForName } from './names.js';
