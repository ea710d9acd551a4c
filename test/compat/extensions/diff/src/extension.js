// diff: word and line diffs, unified patches and applying them.
const Diff = require('diff');

function compute() {
  const a = 'one\ntwo\nthree\n';
  const b = 'one\n2\nthree\nfour\n';
  const patch = Diff.createPatch('f.txt', a, b, '', '');
  return {
    words: Diff.diffWords('the quick brown fox', 'the slow brown fox').map((p) =>
      p.added ? `+${p.value}` : p.removed ? `-${p.value}` : p.value,
    ),
    lines: Diff.diffLines(a, b).map((p) => [p.added ? '+' : p.removed ? '-' : ' ', p.count]),
    patch,
    applied: Diff.applyPatch(a, patch) === b,
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
