// handlebars: compiles templates to JavaScript (new Function), helpers, partials, escaping.
const Handlebars = require('handlebars');

function compute() {
  const hb = Handlebars.create();
  hb.registerHelper('upper', (s) => String(s).toUpperCase());
  hb.registerPartial('item', '<li>{{name}}</li>');
  const tpl = hb.compile('{{!-- comment --}}Hello {{upper who}}! <ul>{{#each items}}{{> item}}{{/each}}</ul> {{html}}');
  return {
    out: tpl({ who: 'world', items: [{ name: 'a' }, { name: 'b&c' }], html: '<b>' }),
    conditional: hb.compile('{{#if ok}}yes{{else}}no{{/if}}')({ ok: false }),
    precompiled: typeof hb.precompile('{{x}}') === 'string',
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
