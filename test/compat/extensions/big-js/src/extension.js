// big.js: decimal arithmetic with fixed decimal places.
const Big = require('big.js');

function compute() {
  return {
    sum: new Big(0.1).plus(0.2).toString(),
    sqrt2: new Big(2).sqrt().toFixed(20),
    third: new Big(1).div(3).toString(),
    money: new Big('19.99').times(3).round(2).toFixed(2),
    cmp: new Big('1e-7').lt('0.0000001000001'),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
