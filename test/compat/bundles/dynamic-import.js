// Guest code: a CommonJS bundle run with the sandbox's globals (host, console, timers, …).
// A bundle that loads a module at run time: the sandbox has no module loader.
exports.activate = () => {
  host.commands.register('run', async () => {
    const plugin = await import('./plugin.js');
    return plugin.default;
  });
};
