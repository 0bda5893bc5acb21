/**
 * @platformatic/kafka is an ES module. Node (>= 20.19) `require`s it natively, which is what the
 * built CLI does; jest's own module loader cannot. Its tests get the package through Node's
 * loader, reached via `process.getBuiltinModule` (jest's `module` is its own).
 */
const { createRequire } = process.getBuiltinModule('node:module');

module.exports = createRequire(__filename)('@platformatic/kafka');
