/** Process wiring for the ES-module CLI (dist/cli/main.mjs): every command but the one-shot `run`. */
import { main } from './main';
import { processContext } from './process-context';
import { EXIT_FAILED } from './usage';
import { mark } from './trace';

mark('cli entry (main.mjs loaded)');

main(process.argv.slice(2), processContext(__dirname)).then(
  (code) => {
    mark('command returned');
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT_FAILED;
  },
);
