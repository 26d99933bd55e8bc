// The Express app: routes, body parsing, and errors in OpenAI's shape.
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError } from './errors.js';
import { JSON_TYPES, bodyParserError, limitJsonDepth, requireJsonBody } from './request-body.js';
import type { GatewayDeps } from '../pipeline/deps.js';
import { handleResponses } from '../pipeline/handle-responses.js';
import { handleChat } from '../pipeline/handle-chat.js';
import { createAuth } from '../auth/auth-middleware.js';
import { renderCostReport } from '../reports/render-cost-report.js';
import { ReportQueryError } from '../reports/parse-report-query.js';
import type { ScoreStore } from '../../evaluators/store/score-store.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../logger.js';

// `scores`: where the cost report reads the evaluation scores (none: null averages).
export function createApp(deps: GatewayDeps, opts: { bodyLimit?: string; scores?: ScoreStore } = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Every request gets an id (the client's x-request-id when it is a safe token): sent
  // back as x-request-id, on the request's log lines and on its turn.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = requestIdFrom(req.headers);
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  });
  // Gateway keys and the admin key (src/auth): checked before the body is parsed.
  // /healthz and /readyz stay open.
  const auth = createAuth(deps);
  auth.current(); // logs a key_ref / admin_key_ref naming an unset variable at start
  app.use(['/v1', '/responses', '/chat/completions', '/models'], auth.requireKey);
  app.use(['/admin', '/gateway', '/metrics'], auth.requireAdmin);
  const modelPaths = ['/v1/responses', '/responses', '/v1/chat/completions', '/chat/completions'];
  app.use(modelPaths, requireJsonBody);
  app.use(express.json({ limit: opts.bodyLimit ?? '64mb', type: JSON_TYPES }));
  app.use(modelPaths, limitJsonDepth);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Config is loaded before the app exists, so ready means the config is there.
  app.get('/readyz', (_req, res) => {
    const loaded = deps.config();
    res.json({ status: 'ready', config: loaded.file, routes: loaded.routesByAlias.size });
  });
  app.get(['/v1/models', '/models'], (_req, res) => {
    const data = [...deps.config().routesByAlias.values()].map((r) => ({ id: r.alias, object: 'model', created: 0, owned_by: r.provider }));
    res.json({ object: 'list', data });
  });
  // How far the pre-dispatch token estimate is from each provider's real count
  // (actual / estimated, a running mean over recent turns), for calibration and reports.
  // Cost per developer, team, repo, route, model or day from the usage ledger
  // (`gateway report` serves the same from the command line).
  app.get('/admin/reports/cost', async (req, res) => {
    if (!deps.usage) throw new GatewayError(503, 'ledger_unavailable', 'No usage ledger is configured.', { type: 'server_error' });
    try {
      const { contentType, body } = await renderCostReport(deps.usage.ledger, req.query as Record<string, unknown>, { scores: opts.scores });
      res.type(contentType).send(body);
    } catch (err) {
      if (err instanceof ReportQueryError) throw new GatewayError(400, 'invalid_report_query', err.message, { param: null });
      throw err;
    }
  });
  app.get('/gateway/token-estimates', (_req, res) => {
    res.json({ ratios: deps.routing.calibration.ratios() });
  });
  if (deps.metrics) app.get('/metrics', deps.metrics.handler);
  app.post(['/v1/responses', '/responses'], (req, res) => handleResponses(req, res, deps));
  app.post(['/v1/chat/completions', '/chat/completions'], (req, res) => handleChat(req, res, deps));

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new GatewayError(404, 'not_found', `No such endpoint: ${req.method} ${req.path}`, { type: 'invalid_request_error' }));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = toGatewayError(err);
    if (error.status >= 500)
      deps.logger.error({ err: error.status === 500 && !(err instanceof GatewayError) ? err : undefined, code: error.code, path: req.path, requestId: res.locals.requestId }, error.message);
    if (res.headersSent) {
      // A stream already started: the handler ended it with the dialect's terminal event.
      res.end();
      return;
    }
    for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
    res.status(error.status).json(error.toBody());
  });
  return app;
}

function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  // body-parser's errors carry a `type` and a 4xx status.
  return bodyParserError(err) ?? new GatewayError(500, 'internal_error', 'The gateway failed while handling this request; see its log.', { type: 'server_error' });
}
