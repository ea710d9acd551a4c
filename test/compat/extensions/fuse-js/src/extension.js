// fuse.js: fuzzy search with weighted keys and scores.
const Fuse = require('fuse.js');

const books = [
  { title: "Old Man's War", author: 'John Scalzi' },
  { title: 'The Lock Artist', author: 'Steve Hamilton' },
  { title: 'HTML5', author: 'Remy Sharp' },
  { title: 'Right Ho Jeeves', author: 'P.D Woodhouse' },
  { title: 'The Code of the Wooster', author: 'P.D Woodhouse' },
];

function compute() {
  const fuse = new Fuse(books, { keys: ['title', 'author'], includeScore: true });
  return {
    jeeves: fuse.search('jeves').map((r) => r.item.title),
    woodhouse: fuse
      .search('wodhouse')
      .map((r) => r.item.title)
      .sort(),
    exact: new Fuse(books, { keys: ['title'], threshold: 0 }).search('HTML5').length,
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
