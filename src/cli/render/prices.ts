import type { Plan, ProxyPrice } from '../../planner/plan-types.js';

const SYMBOL: Readonly<Record<string, string>> = { CNY: '¥', USD: '$' };

const money = (currency: string, n: number) =>
  `${SYMBOL[currency] ?? `${currency} `}${n.toFixed(2).replace(/\.00$/, '')}`;

/** `+¥85.64/day`, billed by traffic `+¥80.64/day + ¥0.8/GB`. */
export function formatPrice(p: ProxyPrice): string {
  const perGB = p.perGB === undefined ? '' : ` + ${money(p.currency, p.perGB)}/GB`;
  return `+${money(p.currency, p.perDay)}/day${perGB}`;
}

/** The created objects that carry a price, and their total per day in each currency. */
export function pricedCreates(plan: Pick<Plan, 'changes'>): {
  rows: { address: string; price: ProxyPrice }[];
  totals: string[];
} {
  const rows = plan.changes.flatMap((c) => (c.price ? [{ address: c.address, price: c.price }] : []));
  const sums = new Map<string, number>();
  for (const { price } of rows) sums.set(price.currency, (sums.get(price.currency) ?? 0) + price.perDay);
  const totals = [...sums].map(([currency, n]) => `+${money(currency, Math.round(n * 100) / 100)}/day`);
  return { rows, totals };
}
