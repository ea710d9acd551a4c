// qs: nested query strings, arrays and encoding (uses side-channel/get-intrinsic internally).
const qs = require('qs');

function compute() {
  return {
    parsed: qs.parse('a[b][c]=d&e[]=1&e[]=2&f=%20x'),
    stringified: qs.stringify({ a: { b: 'c' }, d: [1, 2] }, { encode: false }),
    encoded: qs.stringify({ q: 'a&b=c', list: ['x y'] }, { arrayFormat: 'brackets' }),
    depth: qs.parse('a[b][c][d][e][f][g]=x', { depth: 2 }),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
