/**
 * Kubernetes-shaped replies: Status objects (404 NotFound, 405 MethodNotAllowed, 400 BadRequest, …)
 * and JSON bodies, written the way the real API server writes them, because kubectl and
 * client-node parse the Status body to build their error messages.
 */
import type { ServerResponse } from 'node:http';

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export function statusObject(code: number, message: string, details?: StatusDetails): StatusObject {
  const status: StatusObject = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'Unknown',
    code,
  };
  if (details) status.details = details;
  return status;
}

/** `pods "x" not found` / `daemonsets.apps "x" not found`, like the API server's NewNotFound. */
export function notFound(resource: { plural: string; group: string }, name: string): StatusObject {
  const qualified = resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
  const details: StatusDetails = { name, kind: resource.plural };
  if (resource.group) details.group = resource.group;
  return statusObject(404, `${qualified} "${name}" not found`, details);
}

export const PATH_NOT_FOUND = 'the server could not find the requested resource';
export const METHOD_NOT_ALLOWED = 'the server does not allow this method on the requested resource';

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: StatusObject): void {
  sendJson(res, status.code, status);
}
