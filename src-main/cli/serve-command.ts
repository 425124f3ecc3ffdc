// `sentinel serve`: the workstation on 127.0.0.1 (the demo case built there first with --demo).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatError } from '../../src-shared/result';
import { demoStatus, retireDemo } from '../engine/demo/demo-case';
import { EngineHost } from '../engine/host';
import { startServer, UploadStore } from '../serve/server';
import { checkFlags, str, UsageError } from './args';
import { print, unwrap, type CommandGroup } from './shared';

export const serveCommand: CommandGroup = {
  usage: `  serve   --case FILE [--port N] [--demo] [--cases DIR]  serve the workstation on 127.0.0.1
                                                     (--demo: build the demo case there if missing;
                                                     the page opens and creates cases in DIR, the
                                                     case's folder by default, and imports uploads only)`,
  commands: {
    async serve(args, json) {
      checkFlags(args, ['case', 'port', 'demo', 'cases', 'json']);
      const casePath = path.resolve(str(args, 'case', true));
      const casesFolder = path.resolve(str(args, 'cases') ?? path.dirname(casePath));
      if (!existsSync(casesFolder)) throw new UsageError(`--cases: no folder ${casesFolder}`);
      if (path.relative(casesFolder, casePath).startsWith('..'))
        throw new UsageError(`--case must be inside the cases folder ${casesFolder}`);
      const portArg = str(args, 'port');
      const port = portArg === undefined ? 0 : Number(portArg);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a port number, not "${portArg}"`);
      const uploads = new UploadStore();
      const host = new EngineHost({
        shell: 'serve',
        resolveUpload: uploads.get,
        releaseUpload: (id) => uploads.drop(id),
        paths: { casesFolder },
      });
      const wantsDemo = args.flags.get('demo') === true;
      if (wantsDemo && demoStatus(casePath) === 'stale') {
        const moved = retireDemo(casePath);
        process.stderr.write(
          `sentinel: the demo case was built by an older version: kept as ${moved}, building it again\n`,
        );
      }
      let demo: string | null = null;
      if (wantsDemo && !existsSync(casePath))
        demo = unwrap(await host.call('demo.create', { path: casePath })).jobId;
      else unwrap(await host.call('case.open', { path: casePath }));
      const rendererDir = path.join(__dirname, '..', 'renderer');
      const server = await startServer(host, uploads, { port, rendererDir });
      print(json, { url: server.url }, `SentinelRisk is serving ${path.basename(casePath)} at ${server.url}`);
      const stop = async () => {
        await server.close();
        await host.close();
        uploads.clear();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      if (demo) {
        const r = await host.call('job.wait', { jobId: demo });
        const error = !r.ok ? r.error : !r.value.ok ? r.value.error : null;
        if (error) process.stderr.write(`sentinel: demo case: ${formatError(error)}\n`);
      }
      return new Promise<number>(() => undefined); // serve until stopped
    },
  },
};
