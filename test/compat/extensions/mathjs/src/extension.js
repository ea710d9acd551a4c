// mathjs: expression parser, matrices, units, symbolic derivative, fractions and bignumbers.
const { create, all } = require('mathjs');

const math = create(all);

function compute() {
  return {
    hyp: math.evaluate('sqrt(3^2 + 4^2)'),
    det: math.det([
      [1, 2],
      [3, 4],
    ]),
    unit: math.evaluate('5 cm to mm').toString(),
    derivative: math.derivative('x^2 + 3x', 'x').toString(),
    fraction: math.format(math.add(math.fraction(1, 3), math.fraction(1, 6))),
    big: math.format(math.evaluate('bignumber(0.1) + bignumber(0.2)')),
    scope: (() => {
      const scope = {};
      math.evaluate('f(x) = x^2 + 1', scope);
      return math.evaluate('f(3)', scope);
    })(),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
