// papaparse: quoted fields, header mode with dynamic typing, and unparse.
const Papa = require('papaparse');

function compute() {
  const parsed = Papa.parse('name,age\n"Smith, J",42\nAnn,7', { header: true, dynamicTyping: true });
  return {
    data: parsed.data,
    fields: parsed.meta.fields,
    errors: parsed.errors.length,
    unparsed: Papa.unparse([
      { a: 1, b: 'x,y' },
      { a: 2, b: 'say "hi"' },
    ]),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
