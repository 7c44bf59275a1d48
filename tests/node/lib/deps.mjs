// SPDX-License-Identifier: MIT
// Loads the npm dependencies of the tests with a clear message when `npm ci` was not run:
// a bare static import would only say ERR_MODULE_NOT_FOUND.

export async function importDependency(name) {
  try {
    return await import(name);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND") {
      throw new Error(
        `The npm package "${name}" is missing: tests/node/node_modules is absent or stale. ` +
          `Run \`npm ci\` in tests/node (./deploy/dev.sh test does it).`,
        { cause: error },
      );
    }
    throw error;
  }
}
