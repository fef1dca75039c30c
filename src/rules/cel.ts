/**
 * CEL, the only expression language of rules. Expressions are parsed and planned once, when the
 * rule loads; evaluation binds `item` (the current fact) and `bundle` (bundle-wide facts).
 * Planned programs never throw: they return a CelError, which we surface as a rule error.
 */
import { celEnv, celList, celMap, isCelError, isCelList, isCelMap, isCelUint, mapType, parse, plan, CelScalar, type CelInput, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

const env = celEnv({
  variables: {
    item: mapType(CelScalar.STRING, CelScalar.DYN),
    bundle: mapType(CelScalar.STRING, CelScalar.DYN),
  },
  funcs: strings,
});

export type CelProgram = (bindings: { item: object; bundle: object }) => CelResult;

export interface CompiledExpression {
  source: string;
  program: CelProgram;
}

/** Compiles a CEL expression; throws Error with the parser's message (line:column) when invalid. */
export function compileCel(source: string): CompiledExpression {
  const program = plan(env, parse(source)) as unknown as CelProgram;
  return { source, program };
}

export type Evaluation = { ok: true; value: unknown } | { ok: false; error: string };

export function evaluate(expr: CompiledExpression, item: object, bundle: object): Evaluation {
  let result: unknown;
  try {
    result = expr.program({ item, bundle });
  } catch (err) {
    // The library promises not to throw; this guards against a bug there turning into a crash.
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (isCelError(result)) return { ok: false, error: result.message };
  return { ok: true, value: toPlain(result) };
}

/**
 * Facts to CEL input. Whole numbers become CEL ints (bigint) so that rule authors can write
 * `item.failures * 100 / item.connections > 5` without the double/int overload errors CEL
 * raises for JS numbers (which bind as doubles). Fact builders keep counts whole for this.
 *
 * Objects become CelMaps and arrays CelLists here, once, all the way down: given a plain object,
 * @bufbuild/cel builds a new CelMap (a Map of its entries) each time an expression reads the
 * variable or a field inside it, which for every rule times every fact was most of evaluation's
 * time; given a CelMap or CelList it uses it as is. The values are those the library would have
 * built: a map of the defined entries, in Object.entries order, and a list of the elements.
 */
export function toCelInput(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return celList(value.map(toCelInput) as CelInput[]);
  if (value !== null && typeof value === 'object') {
    const entries = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) if (v !== undefined) entries.set(k, toCelInput(v));
    return celMap(entries as Map<string, CelInput>);
  }
  return value;
}

/** CEL values back to plain JS for messages: ints to numbers, lists to arrays, maps to objects. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return [...value].map(toPlain);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.entries()) out[String(toPlain(k))] = toPlain(v);
    return out;
  }
  if (value !== null && typeof value === 'object' && 'message' in value) {
    // google.protobuf.Timestamp / Duration results (e.g. timestamp(x) - duration("1h")).
    const msg = (value as { message: { $typeName?: string; seconds?: bigint; nanos?: number } }).message;
    if (msg?.$typeName === 'google.protobuf.Timestamp' && typeof msg.seconds === 'bigint') {
      return new Date(Number(msg.seconds) * 1000 + Math.floor((msg.nanos ?? 0) / 1e6)).toISOString();
    }
    if (msg?.$typeName === 'google.protobuf.Duration' && typeof msg.seconds === 'bigint') return `${msg.seconds}s`;
  }
  return value;
}
