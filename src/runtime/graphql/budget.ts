import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Plugin } from 'graphql-yoga';
import { defaultFieldResolver, GraphQLError, getOperationAST, type ExecutionResult, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { requestError, type QueryLimits } from './limits.ts';

// Resolvers run back to back for at most this long before the event loop gets a turn, so one big
// selection cannot keep every other request (and its I/O) waiting.
const sliceMs = 4;
// Handler calls of one request in flight at once: the others wait for a slot, so a document with
// many root fields queues a few calls at the database, not all of them ahead of other requests.
const callsInFlight = 2;

const budgetKey = Symbol.for('trident.graphql.budget');

/**
 * The budget of one query's execution: its resolver calls and its time, the turns it leaves the
 * event loop, and the slots of its handler calls. Mutations have none: their handlers run one at a
 * time, and stopping one halfway would answer `data: null` (their results are non-null) over
 * changes already made; the static limits bound them. Nor have a subscription's events.
 */
export class ExecutionBudget {
  private calls = 0;
  private readonly started = performance.now();
  private sliceStart = this.started;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  /** The error that stopped the execution, once a budget ran out. */
  exhausted: GraphQLError | undefined;

  private readonly limits: Pick<QueryLimits, 'maxResolverCalls' | 'maxExecutionMs'>;

  constructor(limits: Pick<QueryLimits, 'maxResolverCalls' | 'maxExecutionMs'>) {
    this.limits = limits;
  }

  /** Counts one resolver call; throws the budget's error once calls or time have run out. */
  spend(): void {
    if (this.exhausted) throw this.exhausted;
    this.calls += 1;
    if (this.calls > this.limits.maxResolverCalls) {
      this.stop(`The request ran out of its budget of ${this.limits.maxResolverCalls} resolver calls (every field resolved, list items counted); ask for fewer fields, fewer aliases or smaller pages.`);
    }
    if (performance.now() - this.started > this.limits.maxExecutionMs) {
      this.stop(`The request ran out of its time budget of ${this.limits.maxExecutionMs} ms of execution; ask for fewer fields, fewer aliases or smaller pages.`);
    }
  }

  /** Whether the resolvers have had the event loop long enough to give it a turn now. */
  dueForTurn(): boolean {
    const now = performance.now();
    if (now - this.sliceStart < sliceMs) return false;
    this.sliceStart = now;
    return true;
  }

  /** Runs a handler call once one of the request's slots is free. */
  async call<T>(run: () => Promise<T>): Promise<T> {
    if (this.inFlight >= callsInFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight += 1;
    try {
      this.spend();
      return await run();
    } finally {
      // The slot passes straight to the next waiting call, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight -= 1;
    }
  }

  private stop(message: string): never {
    const error = new GraphQLError(message, { extensions: { ...requestError } });
    this.exhausted = error;
    throw error;
  }
}

/** The budget of the execution a resolver runs in; none for a subscription's events. */
function budgetOf(context: unknown): ExecutionBudget | undefined {
  return typeof context === 'object' && context !== null ? (context as Record<symbol, ExecutionBudget | undefined>)[budgetKey] : undefined;
}

/**
 * Wraps every resolver of the schema (the default one included) so that, in a query, each call
 * spends from the execution's budget, gives the event loop a turn now and then, and on the query
 * type waits for a handler-call slot. Introspection and subscriptions are left as they are.
 */
export function budgetedSchema(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  for (const type of Object.values(schema.getTypeMap())) {
    // By its tag, not instanceof: the schema may come from another copy of graphql-js.
    if (type.name.startsWith('__') || type === schema.getSubscriptionType() || Object.prototype.toString.call(type) !== '[object GraphQLObjectType]') continue;
    for (const field of Object.values((type as GraphQLObjectType).getFields())) {
      field.resolve = budgeted(field.resolve ?? defaultFieldResolver, type === query);
    }
  }
  return schema;
}

function budgeted(resolve: GraphQLFieldResolver<unknown, unknown>, root: boolean): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const budget = budgetOf(context);
    if (!budget) return resolve(source, args, context, info);
    if (root) return budget.call(async () => resolve(source, args, context, info));
    if (budget.dueForTurn()) {
      return nextTurn().then(() => {
        budget.spend();
        return resolve(source, args, context, info);
      });
    }
    budget.spend();
    return resolve(source, args, context, info);
  };
}

/**
 * The yoga plugin giving each query its budget, and answering one that ran out with the budget's
 * error alone, without partial data: a request error (400 under application/graphql-response+json),
 * not one copy of the error per field refused after it.
 */
export function executionBudgetPlugin(limits: QueryLimits): Plugin {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return undefined;
      if (typeof args.contextValue !== 'object' || args.contextValue === null) return undefined;
      const budget = new ExecutionBudget(limits);
      (args.contextValue as unknown as Record<symbol, ExecutionBudget>)[budgetKey] = budget;
      return {
        onExecuteDone({ result, setResult }) {
          if (budget.exhausted && isResult(result)) setResult({ errors: [budget.exhausted] });
        },
      };
    },
  };
}

function isResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}
