// fflate: gzip round trip and an in-memory zip archive.
const { gzipSync, gunzipSync, zipSync, unzipSync, strToU8, strFromU8 } = require('fflate');

function compute() {
  const text = 'fflate '.repeat(500);
  const gz = gzipSync(strToU8(text), { level: 6 });
  const zip = zipSync({ 'a.txt': strToU8('alpha'), 'dir/b.txt': strToU8('beta') }, { mtime: new Date(2024, 0, 1) });
  const files = unzipSync(zip);
  return {
    gunzip: strFromU8(gunzipSync(gz)) === text,
    gzipMagic: [gz[0], gz[1]],
    names: Object.keys(files).sort(),
    b: strFromU8(files['dir/b.txt']),
    utf8: strFromU8(strToU8('héllo ✓')),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
