// The routing decision as `gateway.route.*` attributes: what a reader of one trace needs
// to see why this route served the turn.
import type { Attributes } from '@opentelemetry/api';
import type { RouteDecision } from '../routing/decide-route.js';

export function routeAttributes(d: RouteDecision): Attributes {
  const a: Attributes = {
    'gateway.route.requested': d.requested,
    'gateway.route.by': d.by,
    'gateway.route.alias': d.candidates[0],
    'gateway.route.candidates': d.candidates,
    'gateway.route.estimate.tokens': d.estimate.tokens,
    'gateway.route.estimate.approximate': d.estimate.approximate,
    'gateway.route.estimate.ms': d.estimate.ms,
  };
  if (d.rule) {
    a['gateway.route.rule.index'] = d.rule.index;
    a['gateway.route.rule.expression'] = d.rule.expression;
  }
  if (d.stickyOverrode) a['gateway.route.sticky_overrode'] = d.stickyOverrode;
  // The alias an exploring rule sent this turn to (see src/routing/exploration.ts).
  if (d.exploration) a['gateway.route.exploration'] = d.exploration;
  if (d.shadow.length) a['gateway.route.shadow'] = d.shadow.map((s) => `#${s.index} ${s.expression} → ${s.route_to}`);
  if (d.overWindow.length) a['gateway.route.over_window'] = d.overWindow.map((o) => `${o.alias}: ${o.tokens} > ${o.limit}`);
  return a;
}
