/** The usage lines of `trident conformance`, apart from the command so `trident --help` stays light. */
export const conformanceUsage = `  trident conformance [--http URL] [--grpc HOST:PORT] | --self
                      [--api API/vN ...] [--area AREA ...] [--seed N] [--runs N] [--junit FILE]
                      [--flow FILE.json ...] [--token ROLE=JWT ...] [--org ORG] [--user ROLE=ID ...]
      check a running implementation against the contracts over REST, GraphQL and gRPC, and the
      protocols against each other; --self starts our servers here (PGlite, or DATABASE_URL)`;
