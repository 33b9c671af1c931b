// How the generated types are meant to be used: a typed call of Canon with nothing but `fetch`.
// `npm run typecheck` (tsc --noEmit) checks this file against canon.d.ts; tests/integration/test_clients.py runs it.
import type { components, operations } from "./canon";

export type Definition = components["schemas"]["Definition"];
export type DefinitionCreate = components["schemas"]["DefinitionCreate"];
export type Problem = components["schemas"]["Problem"];
type EvaluateBody = operations["evaluate_definition"]["requestBody"]["content"]["application/json"];
type Evaluated = operations["evaluate_definition"]["responses"][200]["content"]["application/json"];

export class CanonError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
  }
}

async function call<T>(baseUrl: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new CanonError((await response.json()) as Problem);
  }
  return (await response.json()) as T;
}

export function createDefinition(baseUrl: string, key: string, body: DefinitionCreate): Promise<Definition> {
  return call<Definition>(baseUrl, key, "POST", "/v1/definitions", body);
}

export async function qualifies(baseUrl: string, key: string, slug: string, record: EvaluateBody["record"]) {
  const result = await call<Evaluated>(baseUrl, key, "POST", `/v1/definitions/${encodeURIComponent(slug)}/evaluate`, {
    record,
  } satisfies EvaluateBody);
  return { matched: result.matched, failed: result.outcomes.filter((o) => !o.passed).map((o) => o.path) };
}

export const draft: DefinitionCreate = {
  slug: "mql",
  title: "Marketing Qualified Lead",
  owners: ["marketing", "sales"],
  content: { summary: "A lead worth a sales conversation.", criteria: { field: "score", op: "gte", value: 60 } },
};

// @ts-expect-error: a definition without owners is not a DefinitionCreate.
export const ownerless: DefinitionCreate = { slug: "sql", title: "Sales Qualified Lead" };
