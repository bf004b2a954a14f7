/** Bad arguments on the command line: the message and exit status 2 (README, "Command line"). */
export class UsageError extends Error {}
