/**
 * JSON text helpers shared by the artifact writers: recursive key sorting (current ztunnel and
 * kubectl both emit object keys alphabetically) and nesting a pre-serialized pretty block at a
 * given depth, which lets a 5,000-workload list be serialized once and reused by every ztunnel.
 */

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Pretty JSON (`indent` spaces) whose continuation lines are shifted right by `depth` levels. */
export function nestedJson(value: unknown, depth: number, indent = 2): string {
  const text = JSON.stringify(value, null, indent);
  if (depth === 0) return text;
  return text.replace(/\n/g, `\n${' '.repeat(depth * indent)}`);
}

/** An object written member by member from already-serialized values (keys in the given order). */
export function objectFromParts(parts: [key: string, serialized: string][], indent = 2): string[] {
  const pad = ' '.repeat(indent);
  const chunks: string[] = ['{\n'];
  parts.forEach(([key, serialized], i) => {
    chunks.push(`${pad}${JSON.stringify(key)}: `, serialized, i < parts.length - 1 ? ',\n' : '\n');
  });
  chunks.push('}');
  return chunks;
}

/** kubectl's `-o json`: sorted keys, 4-space indent, trailing newline. */
export function kubectlJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

/** Pretty JSON with 2-space indent and a trailing newline, keys as given. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
