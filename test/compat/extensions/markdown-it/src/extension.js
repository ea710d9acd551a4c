// markdown-it: rendering, HTML escaping by default, linkify and typographer.
const MarkdownIt = require('markdown-it');

function compute() {
  const md = new MarkdownIt({ linkify: true, typographer: true });
  return {
    list: md.render('# Hi\n\n- a\n- b\n'),
    escaped: md.render('<script>x</script> <!-- no -->'),
    linkify: md.renderInline('see example.com (c) "quoted"'),
    tokens: md.parse('*a* **b**', {}).map((t) => t.type),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
