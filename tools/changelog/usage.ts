/** The usage of `trident changelog`, apart from the command so that `--help` loads nothing else. */
export const changelogUsage = `  trident changelog <api>/v<major> [--since REF] [--format markdown|json] [--output FILE] [--write]
                    [--verbose]
      the changes clients can see in one API version, commit by commit from the git history of its
      contract (and the working tree when it differs from HEAD), grouped by info.version, newest
      first, each with its verdict for REST/JSON, GraphQL, gRPC wire, gRPC JSON and TypeScript
      --since REF      only the commits after REF (a git revision), compared from REF's contract on
      --format F       markdown (default) or json (format trident-changelog/1)
      --output FILE    write it to FILE instead of standard output
      --write          write both formats to changelog/<api>/v<major>/CHANGELOG.md and .json,
                       where the server's /docs/<api>/v<major>/changelog page reads them
      --verbose        print the time it took, and how many revisions were compiled, to standard error`;
