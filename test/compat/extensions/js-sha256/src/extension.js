// js-sha256: SHA-256/224 digests, incremental updates and HMAC.
const { sha256, sha224 } = require('js-sha256');

function compute() {
  const h = sha256.create();
  h.update('a');
  h.update('bc');
  return {
    abc: sha256('abc'),
    empty224: sha224(''),
    incremental: h.hex(),
    hmac: sha256.hmac('key', 'The quick brown fox jumps over the lazy dog'),
    bytes: sha256.array('abc').slice(0, 4),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
