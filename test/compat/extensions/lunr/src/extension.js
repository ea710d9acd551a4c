// lunr: builds a full-text index with stemming and runs queries.
const lunr = require('lunr');

const docs = [
  { id: 'a', title: 'Plants', body: 'Green plants need light and water to grow' },
  { id: 'b', title: 'Animals', body: 'Animals eat plants or other animals' },
  { id: 'c', title: 'Rocks', body: 'Rocks do not grow' },
];

function compute() {
  const idx = lunr(function () {
    this.ref('id');
    this.field('title');
    this.field('body');
    docs.forEach((d) => this.add(d));
  });
  return {
    plant: idx.search('plant').map((r) => r.ref),
    growing: idx
      .search('growing')
      .map((r) => r.ref)
      .sort(),
    required: idx.search('+rocks +grow').map((r) => r.ref),
    roundTrip: lunr.Index.load(JSON.parse(JSON.stringify(idx)))
      .search('animal')
      .map((r) => r.ref),
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
