/**
 * -o json / -o yaml for `inspect`, shaped like istioctl's output. JSON is written the way Go's
 * json.MarshalIndent(items, "", "    ") prints it: struct fields in declaration order, map keys
 * sorted as strings (a JavaScript object would put integer-like keys such as ports first, so views
 * hand Go maps over as Map objects), <, > and & escaped as \u003c..., undefined fields left out
 * (omitempty). YAML follows sigs.k8s.io/yaml's JSONToYAML: keys sorted, sequences flush with their
 * key.
 */
import { Document, visit } from 'yaml';

/** A Go map: written with its keys sorted as strings. */
export function goMap<V>(record: Readonly<Record<string, V>>): Map<string, V> {
  return new Map(Object.keys(record).sort().map((k) => [k, record[k]!]));
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function entriesOf(value: object): [string, unknown][] {
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value].map(([k, v]) => [String(k), v] as [string, unknown]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      : Object.entries(value);
  return entries.filter(([, v]) => v !== undefined);
}

/**
 * Appends the indented JSON of value to out, keeping Map keys in string order: the slower path,
 * for documents whose maps have integer-like keys (ports) that JSON.stringify would reorder.
 */
function write(value: unknown, indent: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push('[]');
    out.push('[\n');
    value.forEach((v, i) => {
      out.push(i === 0 ? inner : `,\n${inner}`);
      write(v ?? null, inner, out);
    });
    out.push(`\n${indent}]`);
    return;
  }
  const entries = entriesOf(value);
  if (entries.length === 0) return void out.push('{}');
  out.push('{\n');
  entries.forEach(([k, v], i) => {
    out.push(i === 0 ? inner : `,\n${inner}`, JSON.stringify(k), ': ');
    write(v, inner, out);
  });
  out.push(`\n${indent}}`);
}

/** Thrown inside JSON.stringify when a Map has keys a JavaScript object would reorder. */
const NEEDS_WRITER = Symbol('needs-writer');
const isArrayIndex = (key: unknown) => /^(0|[1-9]\d{0,9})$/.test(String(key)) && Number(key) < 2 ** 32 - 1;

/** JSON.stringify (fast) with Maps as sorted objects, or undefined when a Map has integer-like keys. */
function nativeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (!(v instanceof Map)) return v;
        const entries = [...v].map(([k, x]) => [String(k), x] as [string, unknown]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        if (entries.some(([k]) => isArrayIndex(k))) throw NEEDS_WRITER;
        return Object.fromEntries(entries);
      },
      4,
    );
  } catch (err) {
    if (err === NEEDS_WRITER) return undefined;
    throw err;
  }
}

/** The text istioctl prints for `-o json`: the indented document and a newline. */
export function renderJson(value: unknown): string {
  let text = nativeJson(value);
  if (text === undefined) {
    const out: string[] = [];
    write(value, '', out);
    text = out.join('');
  }
  // Go's HTML-safe escapes; these characters can only occur inside strings, so one pass is safe.
  return `${text.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!)}\n`;
}

/** Plain-scalar strings that YAML 1.1 (gopkg.in/yaml.v2) would read back as something else. */
const GO_YAML_NON_STRINGS = new Set([
  '', '~', 'null', 'Null', 'NULL', '<<',
  'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE',
  'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|0|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2}))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$/;
const GO_BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * True when yaml.v2's encoder double-quotes a string: it would resolve, unquoted, to a null,
 * bool, number or timestamp (the encoder asks its own resolver), or is a base-60 float.
 */
export function goYamlQuotes(s: string): boolean {
  if (GO_YAML_NON_STRINGS.has(s)) return true;
  const first = s.charAt(0);
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!/[-+0-9]/.test(first)) return false;
  const plain = s.replace(/_/g, '');
  return GO_TIMESTAMP.test(s) || GO_INT.test(plain) || GO_FLOAT.test(plain) || GO_BASE60.test(s);
}

/**
 * The text istioctl prints for `-o yaml`: yaml.v2 style (keys sorted, sequences flush with their
 * key, strings that would read back as another type double-quoted, other strings that cannot be
 * plain single-quoted), then Fprintln's extra newline.
 */
export function renderYaml(value: unknown): string {
  const doc = new Document(value, { sortMapEntries: true, aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !node.value.includes('\n') && goYamlQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return `${doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true })}\n`;
}
