/**
 * The rule JSON Schema, compiled once with ajv (allErrors, so every problem of a file is
 * reported together) and turned into RuleProblems that name file, rule id and field.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { RuleProblem } from '../errors.js';
import { packagePath } from '../util/package.js';

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(packagePath('schemas/rule.schema.json'), 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return validator;
}

function describe(e: ErrorObject): { field: string; reason: string } {
  const base = e.instancePath || '';
  switch (e.keyword) {
    case 'required':
      return { field: `${base}/${(e.params as { missingProperty: string }).missingProperty}`, reason: 'is required' };
    case 'additionalProperties':
      return { field: `${base}/${(e.params as { additionalProperty: string }).additionalProperty}`, reason: 'is not a known rule field' };
    case 'enum':
      return { field: base, reason: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    default:
      return { field: base, reason: e.message ?? 'is invalid' };
  }
}

export function validateRuleDocument(doc: unknown, file: string): RuleProblem[] {
  const validate = compiled();
  if (validate(doc)) return [];
  const ruleId = doc !== null && typeof doc === 'object' && typeof (doc as { id?: unknown }).id === 'string' ? (doc as { id: string }).id : undefined;
  return (validate.errors ?? []).map((e) => ({ file, ruleId, ...describe(e) }));
}
