// js-yaml: load with anchors/aliases and block scalars, dump, and a located error.
const yaml = require('js-yaml');

function compute() {
  const doc = yaml.load('base: &b {x: 1}\nitem:\n  <<: *b\n  y: [a, b]\ntext: |\n  line1\n  line2\n');
  let error = null;
  try {
    yaml.load('a: [1, 2');
  } catch (e) {
    error = e.name;
  }
  return { doc, dumped: yaml.dump({ k: [1, 2], s: 'x: y' }), error };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
