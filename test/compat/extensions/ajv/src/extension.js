// ajv: compiles a JSON schema to a validator with new Function, then validates with errors.
const Ajv = require('ajv');

function compute() {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile({
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      age: { type: 'integer', minimum: 0 },
      tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    },
    required: ['name', 'age'],
    additionalProperties: false,
  });
  const good = validate({ name: 'x', age: 3, tags: ['a', 'b'] });
  const bad = validate({ age: -1, tags: ['a', 'a'], extra: true });
  return {
    good,
    bad,
    errors: validate.errors.map((e) => `${e.instancePath}:${e.keyword}`).sort(),
    text: ajv.errorsText([{ instancePath: '/age', message: 'must be >= 0' }]),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
