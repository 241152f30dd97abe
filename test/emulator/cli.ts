/**
 * node out/test/emulator/cli.js [--port-base N] [--accept-any-key] [--demo]
 * Starts the emulator, prints the origins and one machine-readable line:
 *   EMULATOR_READY {"pixapi":…,"pixai":…,"apixo":…,"cdn":…,"control":…}
 * --port-base N: pixapi N, pixai N+1, apixo N+2, cdn N+3, control N+4 (default: ephemeral ports).
 * --demo: human timings (image ≈ 4.5 s, video ≈ 15 s) and any key accepted.
 */
import { ProviderEmulator } from './server';
import { type EmulatorOptions } from './types';

/** Human-friendly timings for --demo: images 3–6 s, videos 10–20 s end to end. */
export const DEMO_TIMING = { image: { queueMs: 1000, runMs: 3500 }, video: { queueMs: 3000, runMs: 12000 } };

export function parseArguments(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--accept-any-key') {
      options.acceptAnyKey = true;
    } else if (argument === '--demo') {
      options.acceptAnyKey = true;
      options.timing = DEMO_TIMING;
    } else if (argument === '--port-base' || argument.startsWith('--port-base=')) {
      const value = argument.includes('=') ? argument.split('=')[1] : argv[++i];
      const base = Number(value);
      if (!Number.isInteger(base) || base < 1 || base > 65530) throw new Error(`--port-base needs a port number, got '${value}'`);
      options.ports = { pixapi: base, pixai: base + 1, apixo: base + 2, cdn: base + 3, control: base + 4 };
    } else if (argument === '--help' || argument === '-h') {
      throw new Error('usage: cli.js [--port-base N] [--accept-any-key] [--demo]');
    } else {
      throw new Error(`unknown argument '${argument}' (usage: cli.js [--port-base N] [--accept-any-key] [--demo])`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const emulator = await ProviderEmulator.start(options);

  // Handlers go in before EMULATOR_READY: a supervisor may signal as soon as it reads that line.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const { urls } = emulator;
  console.log(`Pixapi   ${urls.pixapi}`);
  console.log(`PixAI    ${urls.pixai}`);
  console.log(`Apixo    ${urls.apixo}/api/v1`);
  console.log(`CDN      ${urls.cdn}`);
  console.log(`Control  ${urls.control}`);
  if (options.acceptAnyKey) console.log('Any non-empty Bearer key is accepted.');
  console.log(`EMULATOR_READY ${JSON.stringify(urls)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
