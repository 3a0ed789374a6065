// Jest transformer: strip TypeScript with esbuild (fast, no type checking; `npm run typecheck` does that).
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
      // jest runs CommonJS: turn `await import()` into require() so lazy imports work in tests.
      supported: { 'dynamic-import': false },
    });
    return { code: result.code };
  },
};
