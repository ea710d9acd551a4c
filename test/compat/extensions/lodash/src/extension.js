// lodash: collection utilities, deep merge/clone and _.template (compiled with Function).
const _ = require('lodash');

function compute() {
  // `variable` names the data object inside the template. Without it lodash wraps the template
  // in `with (obj) { ... }`, which strict mode (every SES compartment) rejects: see
  // extensions/sdk/COMPATIBILITY.md.
  const compiled = _.template('hello <%= data.user %>! <% _.forEach(data.items, function(i) { %>[<%- i %>]<% }); %>', {
    variable: 'data',
  });
  let withTemplate;
  try {
    withTemplate = _.template('<%= user %>')({ user: 'x' });
  } catch (e) {
    withTemplate = `${e.name}: ${e.message}`;
  }
  return {
    chunk: _.chunk([1, 2, 3, 4, 5], 2),
    groupBy: _.groupBy([6.1, 4.2, 6.3], Math.floor),
    merged: _.merge({ a: [{ b: 2 }, { d: 4 }] }, { a: [{ c: 3 }, { e: 5 }] }),
    template: compiled({ user: 'fred', items: ['<a>', 'b'] }),
    sorted: _.sortBy(
      [
        { n: 'b', a: 2 },
        { n: 'a', a: 2 },
        { n: 'c', a: 1 },
      ],
      ['a', 'n'],
    ).map((x) => x.n),
    debounceType: typeof _.debounce(() => {}, 10),
    kebab: _.kebabCase('Foo Bar_baz'),
    isEqual: _.isEqual({ a: [1, { b: 2 }] }, _.cloneDeep({ a: [1, { b: 2 }] })),
    withTemplate,
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
