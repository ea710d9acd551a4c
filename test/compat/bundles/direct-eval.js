// Guest code: a CommonJS bundle run with the sandbox's globals (host, console, timers, …).
// A direct eval reads the caller's local scope; SES evaluates only in the global scope.
const secret = 1; // eslint-disable-line @typescript-eslint/no-unused-vars -- read by the eval
exports.activate = () => {
  host.commands.register('run', () => eval('secret + 1'));
};
