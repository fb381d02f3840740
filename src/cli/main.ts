/** Entry of the `rxforce` bin: runs the command line against the process's streams and sets the exit code. */
import { processIo } from './io.js';
import { run } from './program.js';

// `rxforce … | head`: once the reader has gone, there is nothing left to do and nothing went wrong
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

const code = await run(process.argv.slice(2), processIo());
process.exitCode = code;
