/**
 * Names the compiler chose because the derived one clashed or could not be used (`CREATED_AT_2`
 * for `-created_at` beside `created_at`). They are kept in the lock beside the numbers, so that a
 * reordered, added or removed name never hands a chosen name, and with it a proto number, to
 * another value.
 */

/** The GraphQL and proto names chosen for one JSON name; an enum value has the same in both. */
export interface ChosenName {
  graphql?: string;
  proto?: string;
}

/** By owner (a schema's type name, or `<operationId>(parameters)`), then by JSON name. */
export type ChosenNames = Record<string, Record<string, ChosenName>>;

/** The owner under which an operation's parameter names are kept. */
export const parametersOwner = (operationId: string): string => `${operationId}(parameters)`;

/** The choices of the previous run, and those of this one. */
export class NameBook {
  private readonly previous: ChosenNames;
  private readonly made: ChosenNames = {};

  constructor(previous: ChosenNames = {}) {
    this.previous = previous;
  }

  /** Whether an earlier run chose any name of `owner`. */
  has(owner: string): boolean {
    return Object.hasOwn(this.previous, owner);
  }

  /** What an earlier run chose for `name` of `owner`. */
  earlier(owner: string, name: string): ChosenName | undefined {
    return Object.hasOwn(this.previous, owner) && Object.hasOwn(this.previous[owner]!, name) ? this.previous[owner]![name] : undefined;
  }

  /** Keeps a choice of this run. */
  record(owner: string, name: string, chosen: ChosenName): void {
    if (chosen.graphql === undefined && chosen.proto === undefined) return;
    const names = (this.made[owner] ??= Object.create(null) as Record<string, ChosenName>);
    names[name] = chosen;
  }

  /** The choices of this run, in a stable order, for the lock. */
  get chosen(): ChosenNames {
    const sorted: ChosenNames = {};
    for (const owner of Object.keys(this.made).sort()) {
      const names = this.made[owner]!;
      sorted[owner] = Object.fromEntries(Object.keys(names).sort().map((name) => [name, names[name]!]));
    }
    return sorted;
  }
}
