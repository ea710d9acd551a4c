/** Turns schema failures into one line per problem that names the field and what was expected. */
import type { z } from 'zod';

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out || '(root)';
}

export function formatIssues(error: z.ZodError, maxIssues = 20): string[] {
  const lines = error.issues.slice(0, maxIssues).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
      return `${formatPath(issue.path)}: unknown key ${keys} (not part of the schema)`;
    }
    return `${formatPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  if (error.issues.length > maxIssues) lines.push(`… and ${error.issues.length - maxIssues} more`);
  return lines;
}
