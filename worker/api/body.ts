/**
 * Reads a decision API body: JSON only, at most `limit` bytes (counted while reading, since
 * Content-Length can lie or be absent), parsed but not yet validated.
 */
import { readLimited } from '../events/read-limited.ts';
import { ApiProblem } from './errors.ts';

export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiProblem(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const tooLarge = () =>
    new ApiProblem(413, 'body_too_large', `the body may be at most ${limit} bytes`);
  if (Number(request.headers.get('content-length')) > limit) throw tooLarge();
  const text = await readLimited(request, limit);
  if (text === undefined) throw tooLarge();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiProblem(400, 'invalid_json', 'the body is not valid JSON');
  }
}
