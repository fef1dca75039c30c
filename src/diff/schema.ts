/**
 * The diff JSON Schema (schemas/diff.schema.json), compiled once together with the report schema
 * it refers to for findings. Returns one readable line per problem, [] when valid.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { reportSchema } from '../report/schema.js';
import { packagePath } from '../util/package.js';

let validator: ValidateFunction | undefined;

export function validateDiff(obj: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    ajv.addSchema(reportSchema());
    validator = ajv.compile(JSON.parse(readFileSync(packagePath('schemas/diff.schema.json'), 'utf8')) as object);
  }
  if (validator(obj)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '(diff)'} ${e.message ?? 'is invalid'}`);
}
