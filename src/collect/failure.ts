/**
 * One error type for every failed cluster request, carrying what the manifest records (the HTTP
 * status when there was one, the socket error code otherwise) and what the retry policy needs.
 */

export class RequestFailure extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }
}

/** Statuses worth another try: throttling and transient server or gateway trouble. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

/** Whether trying again could help. 403/404 and timeouts never retry: they would fail the same way. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const failure = err as Partial<RequestFailure>;
  if (failure.httpStatus !== undefined) return RETRYABLE_STATUS.has(failure.httpStatus);
  if (failure.code !== undefined && RETRYABLE_CODES.has(failure.code)) return true;
  return /socket hang up|ECONNRESET/i.test(err.message);
}

/** A RequestFailure from anything thrown by node, ws or client-node, keeping status and code. */
export function toRequestFailure(err: unknown): RequestFailure {
  if (err instanceof RequestFailure) return err;
  const e = err as { message?: unknown; code?: unknown; statusCode?: unknown; status?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const rawStatus = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.status === 'number' ? e.status : undefined;
  // ws reports a refused upgrade only in its message: "Unexpected server response: 403".
  const upgrade = /Unexpected server response: (\d{3})/.exec(message);
  const status = rawStatus ?? (upgrade ? Number(upgrade[1]) : undefined);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return new RequestFailure(message, status, code);
}
