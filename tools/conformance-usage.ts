/** The usage lines of `trident conformance`, apart from the command so `trident --help` stays light. */
export const conformanceUsage = `  trident conformance [--http URL[/BASE]] [--base-path /BASE] [--grpc HOST:PORT] | --self
                      [--api API/vN ...] [--area AREA ...] [--seed N] [--runs N] [--junit FILE]
                      [--flow FILE.json ...] [--token ROLE=JWT ...] [--org ORG] [--user ROLE=ID ...]
                      [--check-timeout MS]
      check a running implementation against the contracts over REST, GraphQL and gRPC, and the
      protocols against each other; --self starts our servers here (PGlite, or DATABASE_URL).
      A path in --http, or --base-path (/ for the root), is where the one API version given with
      --api answers, instead of its contract's servers (GraphQL at BASE/graphql). Each check, and
      each step creating seed data, fails after --check-timeout ms (10000); progress goes to stderr`;
