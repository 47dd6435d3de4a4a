#!/usr/bin/env node
// A native-solc command line on top of solc-js (the npm package `solc`).
//
// py-solc-x, ape-solidity and Slither call a native `solc` binary; no registry this project can
// reach ships one, so this script answers the parts of that command line they use:
//   --version                      "Version: <semver>+commit.<hash>..."
//   --standard-json                compiler input JSON on stdin, output JSON on stdout
//   --combined-json a,b,c FILES|-  the legacy combined output (Slither, py-solc-x compile_source)
//   --base-path, --include-path, --allow-paths, remappings (prefix=target), --evm-version,
//   --optimize, --optimize-runs, --output-dir is refused.
// Output is written with fs.writeSync: Node truncates a large asynchronous process.stdout.write
// when the process exits right after it.
"use strict";

const fs = require("fs");
const path = require("path");

function fail(message, code = 1) {
  fs.writeSync(2, `solc (solc-js wrapper): ${message}\n`);
  process.exit(code);
}

function write(text) {
  const buffer = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < buffer.length) {
    offset += fs.writeSync(1, buffer, offset, buffer.length - offset);
  }
}

const VALUE_OPTIONS = new Set([
  "--base-path",
  "--include-path",
  "--allow-paths",
  "--combined-json",
  "--evm-version",
  "--optimize-runs",
]);
const FLAG_OPTIONS = new Set(["--version", "--standard-json", "--optimize", "--help", "--no-color"]);

function parseArgs(argv) {
  const opts = { includePaths: [], allowPaths: [], remappings: [], files: [], flags: new Set() };
  for (let i = 0; i < argv.length; i += 1) {
    let arg = argv[i];
    let value = null;
    if (arg.startsWith("--") && arg.includes("=")) {
      [arg, value] = [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)];
    }
    if (VALUE_OPTIONS.has(arg)) {
      if (value === null) {
        i += 1;
        if (i >= argv.length) fail(`option ${arg} needs a value`);
        value = argv[i];
      }
      if (arg === "--base-path") opts.basePath = value;
      else if (arg === "--include-path") opts.includePaths.push(value);
      else if (arg === "--allow-paths") opts.allowPaths.push(...value.split(",").filter(Boolean));
      else if (arg === "--combined-json") opts.combined = value.split(",").filter(Boolean);
      else if (arg === "--evm-version") opts.evmVersion = value;
      else if (arg === "--optimize-runs") opts.optimizeRuns = Number(value);
    } else if (FLAG_OPTIONS.has(arg)) {
      opts.flags.add(arg);
    } else if (arg.startsWith("-") && arg !== "-") {
      fail(`unsupported option ${arg}`, 2);
    } else if (!arg.startsWith("-") && arg.includes("=") && !fs.existsSync(arg)) {
      opts.remappings.push(arg);
    } else {
      opts.files.push(arg);
    }
  }
  return opts;
}

// Mirrors native solc's file loader: relative imports are looked up under the base path and then
// each include path; a file outside the base, include and allowed paths is refused.
function makeImportCallback(opts) {
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths].map((p) => path.resolve(p));
  const allowed = [...roots, ...opts.allowPaths.map((p) => path.resolve(p))];
  const isAllowed = (file) =>
    allowed.some((root) => file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.join(root, importPath));
    for (const candidate of candidates) {
      const resolved = path.resolve(candidate);
      if (fs.existsSync(resolved) && fs.statSync(resolved).isFile()) {
        if (!isAllowed(resolved)) return { error: `${importPath} is outside the allowed paths` };
        return { contents: fs.readFileSync(resolved, "utf8") };
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
  };
}

function loadCompiler() {
  try {
    return require("solc");
  } catch (err) {
    return fail(`cannot load the npm package solc: ${err.message}`);
  }
}

function version(solc) {
  write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
}

function standardJson(solc, opts) {
  const input = fs.readFileSync(0, "utf8");
  write(solc.compile(input, { import: makeImportCallback(opts) }));
}

// Output selection for each --combined-json field, and where its value sits in standard output.
const COMBINED_FIELDS = {
  abi: ["abi", (c) => c.abi],
  bin: ["evm.bytecode.object", (c) => c.evm.bytecode.object],
  "bin-runtime": ["evm.deployedBytecode.object", (c) => c.evm.deployedBytecode.object],
  srcmap: ["evm.bytecode.sourceMap", (c) => c.evm.bytecode.sourceMap],
  "srcmap-runtime": ["evm.deployedBytecode.sourceMap", (c) => c.evm.deployedBytecode.sourceMap],
  hashes: ["evm.methodIdentifiers", (c) => c.evm.methodIdentifiers],
  devdoc: ["devdoc", (c) => c.devdoc],
  userdoc: ["userdoc", (c) => c.userdoc],
  metadata: ["metadata", (c) => c.metadata],
  "storage-layout": ["storageLayout", (c) => c.storageLayout],
};

function combinedJson(solc, opts) {
  const sources = {};
  for (const file of opts.files) {
    if (file === "-") sources["<stdin>"] = { content: fs.readFileSync(0, "utf8") };
    else sources[file] = { content: fs.readFileSync(file, "utf8") };
  }
  if (Object.keys(sources).length === 0) fail("no input files", 2);
  const wanted = opts.combined.filter((f) => f !== "ast" && f !== "compact-format");
  for (const field of wanted) {
    if (!(field in COMBINED_FIELDS)) fail(`unsupported --combined-json field ${field}`, 2);
  }
  const settings = {
    remappings: opts.remappings,
    outputSelection: {
      "*": { "*": wanted.map((f) => COMBINED_FIELDS[f][0]), "": opts.combined.includes("ast") ? ["ast"] : [] },
    },
  };
  if (opts.evmVersion) settings.evmVersion = opts.evmVersion;
  if (opts.flags.has("--optimize")) settings.optimizer = { enabled: true, runs: opts.optimizeRuns || 200 };
  const output = JSON.parse(
    solc.compile(JSON.stringify({ language: "Solidity", sources, settings }), {
      import: makeImportCallback(opts),
    }),
  );
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  for (const e of output.errors || []) fs.writeSync(2, `${e.formattedMessage || e.message}\n`);
  if (errors.length > 0) process.exit(1);
  const contracts = {};
  for (const [file, byName] of Object.entries(output.contracts || {})) {
    for (const [name, contract] of Object.entries(byName)) {
      const entry = {};
      // As native solc >= 0.8.0: abi, hashes, devdoc, userdoc and storage-layout are JSON
      // objects (crytic-compile reads them so for 0.8), bin, srcmap and metadata strings.
      for (const field of wanted) entry[field] = COMBINED_FIELDS[field][1](contract);
      contracts[`${file}:${name}`] = entry;
    }
  }
  const result = { contracts, version: solc.version() };
  if (opts.combined.includes("ast")) {
    result.sourceList = Object.keys(output.sources || {});
    result.sources = Object.fromEntries(
      Object.entries(output.sources || {}).map(([file, src]) => [file, { AST: src.ast }]),
    );
  }
  write(JSON.stringify(result));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const solc = loadCompiler();
  if (opts.flags.has("--version")) return version(solc);
  if (opts.flags.has("--help")) return write("solc-js wrapper: --version | --standard-json | --combined-json\n");
  if (opts.flags.has("--standard-json")) return standardJson(solc, opts);
  if (opts.combined) return combinedJson(solc, opts);
  return fail("nothing to do: give --version, --standard-json or --combined-json", 2);
}

main();
