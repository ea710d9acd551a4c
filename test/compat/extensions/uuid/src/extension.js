// uuid: name-based v3/v5 (hashing), random v4 and time-ordered v7, parse/validate.
const { v3, v4, v5, v7, validate, version, parse, stringify } = require('uuid');

function compute() {
  const randoms = Array.from({ length: 100 }, () => v4());
  const ordered = Array.from({ length: 20 }, () => v7());
  return {
    v5: v5('hello.example.com', v5.DNS),
    v3: v3('hello.example.com', v3.DNS),
    v4ok: randoms.every((u) => validate(u) && version(u) === 4),
    v4unique: new Set(randoms).size,
    v7sorted: ordered.every((u, i) => i === 0 || ordered[i - 1] < u),
    roundTrip: stringify(parse('6ba7b810-9dad-11d1-80b4-00c04fd430c8')),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
