/**
 * The registry of `cognito-user-import` commands, in the order `--help` lists them.
 * A new command: one file in this directory exporting a `Command`, and one line here.
 */
import { calibrateCommand } from './calibrate';
import { Command } from './command';
import { demoCommand } from './demo';
import { dropCommand } from './drop';
import { exportCommand } from './export';
import { localCloudCommand } from './local-cloud';
import { queueCommand } from './queue';
import { rehearseCommand } from './rehearse';
import { runLocalCommand } from './run-local';

export const COMMANDS: readonly Command[] = [
  localCloudCommand,
  runLocalCommand,
  demoCommand,
  calibrateCommand,
  exportCommand,
  queueCommand,
  dropCommand,
  rehearseCommand,
];

export { Command, ExitCode, UsageError } from './command';
