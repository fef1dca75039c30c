/**
 * labelSelector and fieldSelector, parsed and matched as the API server does: comma means AND;
 * labels support =, ==, !=, in (…), notin (…), `key` and `!key`; fields support =, == and != on a
 * fixed set of paths per resource. `!=` and `notin` match objects that lack the label, as upstream.
 * A selector we cannot parse is a SelectorError, which the server answers with 400 BadRequest.
 */

export class SelectorError extends Error {}

type LabelOp = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'absent';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

// Label keys: optional DNS prefix and a name; values: alphanumerics, '-', '_', '.' (may be empty).
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses: `a in (x,y),b` -> [`a in (x,y)`, `b`]. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim());
}

function checkKey(key: string, whole: string): string {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!VALUE.test(value)) throw new SelectorError(`unable to parse requirement: invalid label value "${value}" in "${whole}"`);
  return value;
}

function parseLabelRequirement(part: string): LabelRequirement {
  if (part === '') throw new SelectorError('unable to parse requirement: found empty requirement');
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = set[3]!.split(',').map((v) => checkValue(v.trim(), part));
    return { key: checkKey(set[1]!, part), op: set[2] as 'in' | 'notin', values };
  }
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
  if (cmp) {
    const op: LabelOp = cmp[2] === '!=' ? 'neq' : 'eq';
    return { key: checkKey(cmp[1]!, part), op, values: [checkValue(cmp[3]!.trim(), part)] };
  }
  if (part.startsWith('!')) return { key: checkKey(part.slice(1).trim(), part), op: 'absent', values: [] };
  return { key: checkKey(part, part), op: 'exists', values: [] };
}

export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  return splitTopLevel(selector).map(parseLabelRequirement);
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Record<string, unknown> | undefined): boolean {
  return requirements.every(({ key, op, values }) => {
    const has = labels !== undefined && Object.hasOwn(labels, key);
    const value = has ? String(labels[key]) : undefined;
    switch (op) {
      case 'exists':
        return has;
      case 'absent':
        return !has;
      case 'eq':
      case 'in':
        return value !== undefined && values.includes(value);
      case 'neq':
      case 'notin':
        return value === undefined || !values.includes(value);
    }
  });
}

export function parseFieldSelector(selector: string | undefined, supported: readonly string[]): FieldRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  return selector.split(',').map((raw) => {
    const part = raw.trim();
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = m[1]!;
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, negate: m[2] === '!=', value: m[3]!.trim() };
  });
}

/** Reads a dotted path like `spec.nodeName` from an object; absent fields read as ''. */
function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[step];
  }
  return current === undefined || current === null ? '' : String(current);
}

export function matchesFields(requirements: readonly FieldRequirement[], object: unknown): boolean {
  return requirements.every(({ field, negate, value }) => (fieldValue(object, field) === value) !== negate);
}
