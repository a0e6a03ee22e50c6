/**
 * The compiler: an OpenAPI contract to a validated IR and the texts of every generated layer.
 *
 *     const compiled = await compileContract('contracts/notes/v1/openapi.yaml', readText, identityOf(path)!);
 *     for (const entry of compiled.diagnostics) console.error(formatDiagnostic(entry, compiled.sources.get(entry.file)));
 *
 * Only the command line (`trident generate`) writes files.
 */
export { allOutputs, compileContract, identityOf, outputPaths, type CompiledContract, type CompileOptions, type OutputKind } from './compile.ts';
export { diagnosticRegistry, formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics.ts';
export type { Api, Operation } from './ir.ts';
export { OneByteJson, ownText, type SourceText } from './source-text.ts';
