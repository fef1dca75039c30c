/**
 * -o json / -o yaml for `inspect`, shaped like istioctl's output. JSON is written the way Go's
 * json.MarshalIndent(items, "", "    ") prints it: struct fields in declaration order, map keys
 * sorted as strings (a JavaScript object would put integer-like keys such as ports first, so views
 * hand Go maps over as Map objects), <, > and & escaped as \u003c..., undefined fields left out
 * (omitempty). YAML follows sigs.k8s.io/yaml's JSONToYAML: keys sorted, sequences flush with their
 * key.
 */
import { stringify as yamlStringify } from 'yaml';

/** A Go map: written with its keys sorted as strings. */
export function goMap<V>(record: Readonly<Record<string, V>>): Map<string, V> {
  return new Map(Object.keys(record).sort().map((k) => [k, record[k]!]));
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function scalar(value: unknown): string {
  // Escaped characters can only occur inside strings, so a plain replace is safe.
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!);
}

function entriesOf(value: object): [string, unknown][] {
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value].map(([k, v]) => [String(k), v] as [string, unknown]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      : Object.entries(value);
  return entries.filter(([, v]) => v !== undefined);
}

function write(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return scalar(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${write(v ?? null, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = entriesOf(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${scalar(k)}: ${write(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** The text istioctl prints for `-o json`: the indented document and a newline. */
export function renderJson(value: unknown): string {
  return `${write(value, '')}\n`;
}

/** The text istioctl prints for `-o yaml` (Fprintln of YAML that already ends in a newline, hence the blank line). */
export function renderYaml(value: unknown): string {
  return `${yamlStringify(value, { sortMapEntries: true, indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false })}\n`;
}
