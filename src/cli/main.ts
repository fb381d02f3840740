/** Entry of the `rxforce` bin: runs the command line against the process's streams and sets the exit code. */
import { processIo } from './io.js';
import { run } from './program.js';

const code = await run(process.argv.slice(2), processIo());
process.exitCode = code;
