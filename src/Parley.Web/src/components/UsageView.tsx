// Tokens, requests and cost grouped by day or model (administrators: also by user and key), with a CSV export.
import { useEffect, useState } from 'react';
import { getUsage, rangeStart, usageCsvUrl, type UsageGroupBy, type UsageQuery, type UsageReport } from '../api/usage';
import { formatCost } from '../lib/format';

interface Props {
  /** Every user's usage (administrators); otherwise only `owner`'s (or the caller's). */
  everyone?: boolean;
  owner?: string;
}

const RANGES = [7, 30, 90, 365];
const n = (v: number) => v.toLocaleString('en-US');

export function UsageView({ everyone, owner }: Props) {
  const groupings: { id: UsageGroupBy; label: string }[] = [
    { id: 'day', label: 'Day' },
    { id: 'model', label: 'Model' },
    ...(everyone ? [{ id: 'owner' as const, label: 'User' }, { id: 'key' as const, label: 'API key' }] : []),
  ];
  const [groupBy, setGroupBy] = useState<UsageGroupBy>('day');
  const [days, setDays] = useState(30);
  const [report, setReport] = useState<UsageReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query: UsageQuery = { groupBy, from: rangeStart(days), owner: everyone ? undefined : owner };

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    getUsage({ groupBy, from: rangeStart(days), owner: everyone ? undefined : owner }, ctl.signal)
      .then(setReport)
      .catch((e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ctl.abort();
  }, [groupBy, days, everyone, owner]);

  const head = groupings.find((g) => g.id === groupBy)?.label ?? 'Group';
  return (
    <section className="usage" aria-label={everyone ? 'Usage of every user' : 'Your usage'}>
      <div className="usage-controls">
        <label htmlFor="usage-group">Group by</label>
        <select id="usage-group" value={groupBy} onChange={(e) => setGroupBy(e.target.value as UsageGroupBy)}>
          {groupings.map((g) => <option key={g.id} value={g.id}>{g.label}</option>)}
        </select>
        <label htmlFor="usage-range">Period</label>
        <select id="usage-range" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {RANGES.map((d) => <option key={d} value={d}>Last {d} days</option>)}
        </select>
        <a className="btn sm" href={usageCsvUrl(query)} download={`parley-usage-${groupBy}.csv`}>Export CSV</a>
      </div>
      {error && <div className="failure" role="alert"><p className="failure-message">{error}</p></div>}
      {!report && !error && <p className="muted" aria-busy="true">Loading usage…</p>}
      {report && (
        <div className="table-wrap">
          <table className="usage-table">
            <caption className="sr-only">Usage by {head.toLowerCase()}, last {days} days</caption>
            <thead>
              <tr><th scope="col">{head}</th><th scope="col">Requests</th><th scope="col">Prompt tokens</th><th scope="col">Completion tokens</th>
                <th scope="col">Total tokens</th><th scope="col">Cost</th></tr>
            </thead>
            <tbody>
              {report.groups.length === 0 && <tr><td colSpan={6} className="muted">No model calls in this period.</td></tr>}
              {report.groups.map((g) => (
                <tr key={g.key} data-testid="usage-row">
                  <th scope="row">{g.key || '—'}</th><td>{n(g.requests)}</td><td>{n(g.promptTokens)}</td><td>{n(g.completionTokens)}</td>
                  <td>{n(g.totalTokens)}</td><td>{formatCost(g.cost)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="usage-total">
                <th scope="row">Total</th><td>{n(report.totals.requests)}</td><td>{n(report.totals.promptTokens)}</td>
                <td>{n(report.totals.completionTokens)}</td><td>{n(report.totals.totalTokens)}</td><td>{formatCost(report.totals.cost)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
