// immer: copy-on-write updates with Proxy drafts, structural sharing, auto-freeze and patches.
const { produce, enablePatches, produceWithPatches } = require('immer');

enablePatches();

function compute() {
  const base = {
    todos: [
      { id: 1, done: false },
      { id: 2, done: false },
    ],
    meta: { n: 2 },
  };
  const next = produce(base, (d) => {
    d.todos[0].done = true;
    d.todos.push({ id: 3, done: false });
  });
  const [, patches] = produceWithPatches(base, (d) => {
    d.meta.n = 3;
  });
  return {
    next,
    baseUnchanged: base.todos[0].done === false && base.todos.length === 2,
    shared: next.todos[1] === base.todos[1] && next.meta === base.meta,
    frozen: Object.isFrozen(next) && Object.isFrozen(next.todos[0]),
    patches,
  };
}

exports.compute = compute;
exports.activate = () => {
  host.commands.register('run', async () => ({ type: 'json', value: await compute() }));
};
