/**
 * The report JSON Schema (schemas/report.schema.json), compiled once with ajv and ajv-formats.
 * Used by tests and by anyone who wants to check a report file against the public contract; the
 * problems come back as one readable line each ("/findings/3/severity must be one of ...").
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { packagePath } from '../util/package.js';

let validator: ValidateFunction | undefined;

export function reportSchema(): object {
  return JSON.parse(readFileSync(packagePath('schemas/report.schema.json'), 'utf8')) as object;
}

function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    validator = ajv.compile(reportSchema());
  }
  return validator;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '(report)';
  switch (e.keyword) {
    case 'required':
      return `${where} is missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}

/** Checks a parsed report against the schema; returns one line per problem, [] when valid. */
export function validateReport(obj: unknown): string[] {
  const validate = compiled();
  if (validate(obj)) return [];
  return (validate.errors ?? []).map(describe);
}
