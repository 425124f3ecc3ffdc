// Reading a YAML configuration file and validating it against a schema; errors name the file
// and the first offending field.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { fail } from '../../src-shared/result';

export function parseYamlConfig<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return fail('BAD_REQUEST', `not valid YAML: ${(e as Error).message}`, { file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('BAD_REQUEST', `${issue.path.join('.') || '(config)'}: ${issue.message}`, { file });
  }
  return parsed.data;
}

export function readConfigText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    return fail('IO', `cannot read the ${what} (${(e as NodeJS.ErrnoException).code})`, { file });
  }
}
