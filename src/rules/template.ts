/**
 * Message templates with named placeholders: "ztunnel {{ztunnel}} lacks {{count}} workloads".
 * Placeholders are dotted paths into the fact (or keys of a rule's `data`). They are plain text
 * substitution, not Handlebars: values come from untrusted bundles and are escaped by renderers.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

/** The placeholder paths a template uses, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Follows a dotted path through plain objects; undefined when any step is missing. */
export function lookup(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function display(value: unknown): string {
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Fills a template. Returns the text and the placeholders that had no value, so the caller can
 * report an unfilled placeholder instead of printing "undefined" to a user.
 */
export function fill(template: string, scope: Record<string, unknown>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_whole, path: string) => {
    const value = lookup(scope, path);
    if (value === undefined || value === null) {
      missing.push(path);
      return '(unknown)';
    }
    return display(value);
  });
  return { text, missing };
}
