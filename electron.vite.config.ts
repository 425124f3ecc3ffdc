import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const main = (p: string) => resolve(__dirname, 'src-main', p);

export default defineConfig({
  // Main process, plus everything else that runs in Node: the CLI, serve mode and the
  // engine's workers. All land flat in out/main so workers sit beside the code that spawns them.
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: main('app/index.ts'),
          cli: main('cli/index.ts'),
          engine: main('engine/index.ts'),
          'db-worker': main('engine/workers/db-worker.ts'),
          'parse-worker': main('engine/workers/parse-worker.ts'),
          'demo-worker': main('engine/workers/demo-worker.ts'),
          'compute-worker': main('engine/workers/compute-worker.ts'),
          'onnx-worker': main('engine/workers/onnx-worker.ts'),
          'gbdt-worker': main('engine/workers/gbdt-worker.ts'),
          'live-worker': main('engine/workers/live-worker.ts'),
        },
        output: {
          format: 'cjs',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunk-[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: main('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
