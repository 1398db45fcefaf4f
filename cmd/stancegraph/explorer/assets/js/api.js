// The only way the explorer talks to the server: POST /graphql with JSON.

/** GraphQLError carries the errors of a GraphQL answer, each with its extensions.code. */
export class GraphQLError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLError';
    this.errors = errors;
    this.status = status;
  }
}

/**
 * raw sends one request and returns the parsed answer as it came, plus the
 * HTTP status, so that the console can show partial data and errors.
 */
export async function raw(query, variables, signal) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables: variables || {} }),
    signal,
  });
  let body;
  try {
    body = await res.json();
  } catch {
    body = { errors: [{ message: `the server answered HTTP ${res.status} without JSON`, extensions: { code: 'INTERNAL' } }] };
  }
  return { status: res.status, body };
}

/** gql runs a query and returns its data, or throws GraphQLError. */
export async function gql(query, variables, signal) {
  const { status, body } = await raw(query, variables, signal);
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors, status);
  if (!body.data) throw new GraphQLError([], status);
  return body.data;
}
