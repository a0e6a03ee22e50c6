/** The usage of `trident init`, apart from the command so `trident --help` loads nothing heavy. */
export const initUsage = `  trident init [DIR] [--name NAME] [--force]
      scaffold a contract-first repository in DIR (default: the current folder): a sample contract,
      handlers, trident.config.json, npm scripts and a CI workflow; refuses a non-empty folder
      unless --force`;
