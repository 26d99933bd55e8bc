import type { Request, Response } from 'express';

// An AbortSignal that fires when the client goes away before the response ended,
// so the upstream request is cancelled rather than streamed into the void.
export function abortOnClientClose(req: Request, res: Response): AbortController {
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  req.on('aborted', () => ac.abort());
  return ac;
}
