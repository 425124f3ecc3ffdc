// `npm run build:kernels`: compiles kernels.wat with wabt and writes kernels-wasm.ts.
import { writeFileSync } from 'node:fs';
import { BYTES_FILE, bytesModule, compileKernels } from './kernels';

void compileKernels().then((bytes) => {
  writeFileSync(BYTES_FILE, bytesModule(bytes));
  console.log(`${BYTES_FILE}: ${bytes.length} bytes`);
});
