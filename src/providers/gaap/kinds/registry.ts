import type { GaapKindModule } from '../engine/kind-module.js';
import { l4ListenerKind } from './l4-listener.js';
import { proxyKind } from './proxy.js';
import { proxyGroupKind } from './proxy-group.js';
import { realServerKind } from './real-server.js';

/**
 * Every GAAP kind edgeform manages, in declaration order: an object's kind comes after the kinds of
 * the objects it lives under or refers to, so desired nodes are listed parents first.
 */
export const GAAP_KINDS: readonly GaapKindModule[] = [
  proxyGroupKind,
  realServerKind,
  proxyKind,
  l4ListenerKind,
];
