#!/usr/bin/env node
// Stand-alone launcher for `provenant eif ...` (build.sh uses it so it works before the main CLI wires it).
import { runEifCommand } from '../dist/index.js';

process.exitCode = await runEifCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
