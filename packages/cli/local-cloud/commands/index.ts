/**
 * The registry of `cognito-user-import` commands, in the order `--help` lists them.
 * A new command: one file in this directory exporting a `Command`, and one line here.
 */
import { calibrateCommand } from './calibrate';
import { Command } from './command';
import { demoCommand } from './demo';
import { localCloudCommand } from './local-cloud';
import { runLocalCommand } from './run-local';

export const COMMANDS: readonly Command[] = [
  localCloudCommand,
  runLocalCommand,
  demoCommand,
  calibrateCommand,
];

export { Command, ExitCode, UsageError } from './command';
