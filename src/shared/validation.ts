import { isEmail, isURL, validate, ValidateBy, type ValidationError } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';
import { boundedCache } from './query-caches';

/** Distinct (argument type, value) verdicts remembered, least recently used out first. */
const MAX_REMEMBERED_VERDICTS = 5_000;
/** Values longer than this (as JSON) are validated every time, never remembered, so memory stays small. */
const MAX_REMEMBERED_LENGTH = 1_000;

/**
 * class-validator for every @Args/@InputType, remembering each verdict. A verdict depends only on the argument's type
 * and value, and a page asks the same question many times (`comments(first: 5)` once per article on the front page),
 * so each distinct question is validated once instead of once per field.
 */
export function rememberingClassValidator(): ValidatorFn {
  const verdicts = boundedCache<string, ValidationError[]>(MAX_REMEMBERED_VERDICTS);
  // Argument types are classes; a number for each keeps the verdicts' keys short and apart.
  const typeNumbers = new WeakMap<object, number>();
  let typesSeen = 0;
  return async (value, type) => {
    if (value === null || typeof value !== 'object' || typeof type !== 'function') return;
    let typeNumber = typeNumbers.get(type);
    if (typeNumber === undefined) typeNumbers.set(type, (typeNumber = typesSeen++));
    const json = JSON.stringify(value);
    const key = `${typeNumber}:${json}`;
    let errors = verdicts.get(key);
    if (!errors) {
      errors = Array.isArray(value)
        ? (await Promise.all(value.filter((item) => item !== null && typeof item === 'object').map((item) => validateOptions(item)))).flat()
        : await validateOptions(value);
      if (json.length <= MAX_REMEMBERED_LENGTH) verdicts.set(key, errors);
    }
    if (errors.length) throw new ArgumentValidationError(errors);
  };
}

function validateOptions(value: object): Promise<ValidationError[]> {
  return validate(value, { skipMissingProperties: true, forbidUnknownValues: false });
}

/** Control characters (C0, DEL, C1) other than tab and line breaks (which a comment body may hold). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Any control character (for one-line fields: names, addresses). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * Length of the trimmed value, so "   " counts as empty and surrounding spaces never decide a limit. Messages are
 * for people: `tooShort` and `tooLong` are shown as they are.
 */
export function TrimmedLength(min: number, max: number, messages: { tooShort: string; tooLong: string }) {
  return (target: object, property: string) => {
    ValidateBy(
      {
        name: 'trimmedLengthMin',
        validator: { validate: (value: unknown) => typeof value === 'string' && value.trim().length >= min, defaultMessage: () => messages.tooShort },
      },
      {},
    )(target, property);
    ValidateBy(
      {
        name: 'trimmedLengthMax',
        validator: { validate: (value: unknown) => typeof value !== 'string' || value.trim().length <= max, defaultMessage: () => messages.tooLong },
      },
      {},
    )(target, property);
  };
}

/** Refuses NUL and other control characters; `multiline` allows tabs and line breaks. */
export function NoControlCharacters(options: { multiline: boolean; message: string }) {
  const forbidden = options.multiline ? CONTROL_IN_TEXT : CONTROL_IN_LINE;
  return ValidateBy({
    name: 'noControlCharacters',
    validator: { validate: (value: unknown) => typeof value !== 'string' || !forbidden.test(value), defaultMessage: () => options.message },
  });
}

/** One e-mail address (after trimming): "a@x.com, b@y.com" and the like are refused. Internationalised domains pass. */
export function IsEmailAddress(message: string) {
  return ValidateBy({
    name: 'isEmailAddress',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isEmail(value.trim(), { allow_utf8_local_part: true, allow_ip_domain: false }),
      defaultMessage: () => message,
    },
  });
}

/**
 * An optional http(s) address of at most `max` characters, judged after trimming; empty or blank counts as none (a
 * form's empty field).
 */
export function IsOptionalHttpUrl(max: number, messages: { invalid: string; tooLong: string }) {
  return (target: object, property: string) => {
    const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
    ValidateBy({
      name: 'isOptionalHttpUrl',
      validator: {
        validate: (value: unknown) => value == null || text(value) === '' || isURL(text(value), { protocols: ['http', 'https'], require_protocol: true }),
        defaultMessage: () => messages.invalid,
      },
    })(target, property);
    ValidateBy({
      name: 'isOptionalHttpUrlLength',
      validator: { validate: (value: unknown) => text(value).length <= max, defaultMessage: () => messages.tooLong },
    })(target, property);
  };
}
