import { validate, type ValidationError } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';

/** Distinct argument values remembered per argument type; past this the memory starts over. */
const MAX_REMEMBERED_PER_TYPE = 1_000;
/** Values longer than this (as JSON) are validated every time, never remembered, so memory stays small. */
const MAX_REMEMBERED_LENGTH = 1_000;

/**
 * class-validator for every @Args/@InputType, remembering each verdict. A verdict depends only on the argument's type
 * and value, and a page asks the same question many times (`comments(first: 5)` once per article on the front page),
 * so each distinct question is validated once instead of once per field.
 */
export function rememberingClassValidator(): ValidatorFn {
  const verdicts = new WeakMap<object, Map<string, ValidationError[]>>();
  return async (value, type) => {
    if (value === null || typeof value !== 'object' || typeof type !== 'function') return;
    let known = verdicts.get(type);
    if (!known) verdicts.set(type, (known = new Map()));
    const key = JSON.stringify(value);
    let errors = known.get(key);
    if (!errors) {
      errors = Array.isArray(value)
        ? (await Promise.all(value.filter((item) => item !== null && typeof item === 'object').map((item) => validateOptions(item)))).flat()
        : await validateOptions(value);
      if (key.length <= MAX_REMEMBERED_LENGTH) {
        if (known.size >= MAX_REMEMBERED_PER_TYPE) known.clear();
        known.set(key, errors);
      }
    }
    if (errors.length) throw new ArgumentValidationError(errors);
  };
}

function validateOptions(value: object): Promise<ValidationError[]> {
  return validate(value, { skipMissingProperties: true, forbidUnknownValues: false });
}
