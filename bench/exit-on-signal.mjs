// Preloaded into the bench's server process: on SIGINT/SIGTERM exit through process.exit, so that
// Node writes the --cpu-prof profile (a process killed by a signal writes none).
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
