// mustache: sections, inverted sections, escaping and partials.
const Mustache = require('mustache');

function compute() {
  return {
    out: Mustache.render('{{#people}}{{name}};{{/people}}{{^none}}empty{{/none}} {{esc}} {{{raw}}}', {
      people: [{ name: 'Ann' }, { name: 'Bo' }],
      none: [],
      esc: '<a & "b">',
      raw: '<i>',
    }),
    partial: Mustache.render('[{{> p}}]', { x: 1 }, { p: 'x={{x}}' }),
    tokens: Mustache.parse('a {{b}} c').map((t) => t[0]),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
