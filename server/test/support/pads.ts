import type { CreateSessionRequest, CreateSessionResponse } from "@codepad/shared";

export async function createPad(
  baseUrl: string,
  body: CreateSessionRequest = {},
): Promise<CreateSessionResponse["session"]> {
  const response = await fetch(`${baseUrl}/api/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) {
    throw new Error(`create pad: ${response.status} ${await response.text()}`);
  }
  const json = (await response.json()) as CreateSessionResponse;
  return json.session;
}
