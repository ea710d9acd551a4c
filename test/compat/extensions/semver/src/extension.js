// semver: ranges, sorting, incrementing and coercion.
const semver = require('semver');

function compute() {
  const versions = ['1.2.3', '1.10.0', '1.2.10', '2.0.0-beta.1', '2.0.0', '0.9.9'];
  return {
    sorted: semver.sort([...versions]),
    max: semver.maxSatisfying(versions, '^1.2.0'),
    satisfies: semver.satisfies('1.5.0', '>=1.2.3 <2.0.0'),
    prerelease: semver.satisfies('2.0.0-beta.1', '^2.0.0-alpha'),
    inc: [semver.inc('1.2.3', 'minor'), semver.inc('1.2.3', 'prerelease', 'rc')],
    coerce: semver.coerce('v3.4 build').version,
    range: new semver.Range('~1.2').range,
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
