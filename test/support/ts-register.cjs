// Loads .ts files in a plain node process (`node -r ./test/support/ts-register.cjs file.ts`), for
// test helpers too heavy to run inside jest's sandbox (it makes such code 2–3× slower): each file
// is transpiled alone, as ts-jest does with isolatedModules; type checking is `npm run typecheck`'s.
'use strict';
const { readFileSync } = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  });
  module._compile(outputText, filename);
};
