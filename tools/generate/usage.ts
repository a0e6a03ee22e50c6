/** The usage of `trident generate`, kept apart so that printing help loads nothing else. */
export const generateUsage = `  trident generate [FILE-OR-FOLDER...] [--out DIR] [--check] [--watch] [--verbose]
                   [--report text|json] [--report-file FILE] [--only LIST]
                   [--lock FILE] [--name NAME] [--api-version N] [--validate | --no-validate] [--strict] [--no-cache]
      compile contracts/<api>/v<major>/openapi.yaml (or the given contracts, OpenAPI documents
      and folders of them) into generated/ (or --out DIR); --check writes nothing and fails when
      the output or a lock file is stale; --watch regenerates on every save`;
