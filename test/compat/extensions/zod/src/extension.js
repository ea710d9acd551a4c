// zod: object schemas, transforms, defaults and error paths (zod 4 may JIT-compile with new Function).
const { z } = require('zod');

const User = z.object({
  name: z.string().min(2),
  age: z.number().int().nonnegative(),
  tags: z.array(z.string()).default([]),
  email: z.string().email().optional(),
  joined: z.string().transform((s) => s.toUpperCase()),
});

function compute() {
  const ok = User.parse({ name: 'Ada', age: 36, joined: 'x' });
  const bad = User.safeParse({ name: 'A', age: -1.5, email: 'nope', joined: 1 });
  return {
    ok,
    issues: bad.success ? [] : bad.error.issues.map((i) => `${i.path.join('.')}:${i.code}`).sort(),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
