/** The usage of `trident package`, apart from the command so `trident --help` loads nothing heavy. */
export const packageUsage = `  trident package <api>/v<major> [--out DIR] [--since GIT-REF]
      write the typed clients of one API version as an npm package (default
      <output>/packages/<api>-v<major>/); --since derives its version from the breaking-change gate:
      an unacknowledged breaking change is refused, additions bump the minor, the rest the patch`;
