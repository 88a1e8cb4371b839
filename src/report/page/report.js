// The report page's own script (runs in the browser, inlined after uPlot): draws the timeline as SVG lanes, each
// gate check's samples against its threshold, and the paged progress, from the JSON in #report-data.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const BLUE = '#2563eb';
  const RED = '#dc2626';
  const GREY = '#6b7280';
  const COLORS = { done: '#9ca3af', active: '#3b82f6', failed: '#dc2626', paused: '#f59e0b' };
  const SVG = 'http://www.w3.org/2000/svg';
  let charts = 0;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const hhmm = (ms, span) => {
    const s = new Date(ms).toISOString();
    return span < 600000 ? s.slice(11, 19) : span < 86400000 ? s.slice(11, 16) : `${s.slice(5, 10)} ${s.slice(11, 16)}`;
  };

  function drawTimeline(root) {
    const spans = data.timeline;
    if (!spans.length) {
      root.appendChild(el('p', { class: 'note' }, 'The ledger has no transitions yet.'));
      return;
    }
    const lanes = [];
    for (const s of spans) if (!lanes.includes(s.lane)) lanes.push(s.lane);
    const start = Math.min(...spans.map((s) => s.start));
    const end = Math.max(...spans.map((s) => s.end), start + 1000);
    const width = Math.max(600, root.clientWidth || 1100);
    const left = 110;
    const rowH = 18;
    // Each lane stacks its spans in rows so none overlaps another's label.
    const rows = [];
    const laneRows = [];
    const x = (t) => left + ((t - start) / (end - start)) * (width - left - 20);
    let y = 24;
    for (const lane of lanes) {
      const own = spans.filter((s) => s.lane === lane).sort((a, b) => a.start - b.start);
      const ends = [];
      const laneTop = y;
      for (const s of own) {
        const x0 = x(s.start);
        const labelEnd = Math.max(x(s.end), x0 + 8) + 7 * s.label.length + 12;
        let r = ends.findIndex((e) => e <= x0);
        if (r < 0) r = ends.push(0) - 1;
        ends[r] = labelEnd;
        rows.push({ s, y: laneTop + r * rowH });
      }
      y = laneTop + Math.max(1, ends.length) * rowH + 10;
      laneRows.push({ lane, y: laneTop, height: y - laneTop - 5 });
    }
    const root_ = svg('svg', { class: 'timeline', width, height: y + 4, viewBox: `0 0 ${width} ${y + 4}` });
    laneRows.forEach((r, i) => {
      root_.appendChild(
        svg('rect', { x: 0, y: r.y - 3, width, height: r.height, fill: i % 2 ? '#ffffff' : '#f3f4f6' }),
      );
      root_.appendChild(svg('text', { x: 4, y: r.y + 11, 'font-weight': 600 }, r.lane || 'rollout'));
    });
    for (let i = 0; i <= 6; i++) {
      const t = start + ((end - start) * i) / 6;
      root_.appendChild(svg('line', { x1: x(t), x2: x(t), y1: 16, y2: y, stroke: '#e5e7eb' }));
      root_.appendChild(svg('text', { x: x(t), y: 12, 'text-anchor': 'middle', fill: GREY }, hhmm(t, end - start)));
    }
    for (const r of rows) {
      const s = r.s;
      // A hold that ended in a failure is drawn plain: the red is for the failing samples and the failure.
      const color = s.kind === 'hold' && s.state === 'failed' ? '#93c5fd' : COLORS[s.state] || GREY;
      const g = svg('g');
      g.appendChild(svg('title', {}, `${s.label}\n${iso(s.start)}${s.point ? '' : ` → ${iso(s.end)}`}`));
      const x0 = x(s.start);
      if (s.point) {
        g.appendChild(svg('path', { d: `M${x0},${r.y}l6,6l-6,6l-6,-6z`, fill: color }));
      } else {
        g.appendChild(
          svg('rect', { x: x0, y: r.y + 1, width: Math.max(3, x(s.end) - x0), height: rowH - 6, rx: 2, fill: color }),
        );
      }
      const after = s.point ? x0 + 9 : Math.max(x(s.end), x0 + 3) + 4;
      // A label that would run off the right edge goes left of its mark.
      const flip = after + 7 * s.label.length > width;
      const fill = s.state === 'failed' ? RED : '#374151';
      const at = flip ? { x: x0 - 9, 'text-anchor': 'end' } : { x: after };
      g.appendChild(svg('text', { ...at, y: r.y + 11, fill }, s.label));
      root_.appendChild(g);
    }
    root.appendChild(root_);
  }

  // Times on the axes in UTC, as everywhere else in the report, whatever the reader's time zone.
  const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

  function plot(root, opts, columns) {
    const div = el('div', { class: 'chart' });
    root.appendChild(div);
    opts.tzDate = tzDate;
    opts.width = Math.max(600, root.clientWidth || 1100);
    opts.height = opts.height || 220;
    new uPlot(opts, columns, div);
    charts++;
  }

  function drawCheck(root, gate, c) {
    const head = el('h3', {}, `${c.name}${c.severity ? ` (${c.severity})` : ''}`);
    root.appendChild(head);
    const bits = [`${c.samples} samples, ${c.failed} failed`];
    if (c.source) bits.push(c.source + (c.line !== null ? ` — line ${c.line}` : ''));
    if (c.note) bits.push(`outcomes over time: ${c.note}`);
    if (c.downsampled) bits.push(`downsampled to ${c.points.length} points (the worst of each stretch)`);
    root.appendChild(el('p', { class: 'note' }, bits.join(' · ')));
    if (!c.points.length) return;
    const xs = c.points.map((p) => p[0] / 1000);
    const values = c.points.map((p) => p[1]);
    const failing = c.points.map((p) => (p[2] ? p[1] : null));
    const valued = c.line !== null;
    const series = [
      {},
      {
        label: valued ? 'value' : 'outcome (1 pass, 0 fail)',
        stroke: BLUE,
        width: 1.5,
        points: { show: c.points.length < 300, size: 4 },
        paths: valued ? undefined : uPlot.paths.stepped({ align: 1 }),
      },
      {
        label: 'failing',
        stroke: RED,
        fill: RED,
        paths: () => null,
        points: { show: true, size: 8, fill: RED, stroke: RED },
      },
    ];
    const columns = [xs, values, failing];
    if (valued) {
      series.push({
        label: `threshold (${c.failsWhen === 'below' ? 'fails below' : 'fails above'})`,
        stroke: GREY,
        dash: [6, 4],
        points: { show: false },
      });
      columns.push(xs.map(() => c.line));
    }
    plot(
      root,
      {
        title: `${gate.phase} · ${c.name}`,
        scales: { x: { time: true }, y: valued ? {} : { range: [-0.1, 1.1] } },
        series,
        axes: [{}, { label: valued ? 'value' : 'outcome' }],
      },
      columns,
    );
  }

  function drawGates(root) {
    for (const gate of data.gates) {
      const box = el('section');
      root.appendChild(box);
      box.appendChild(
        el(
          'h3',
          { class: gate.outcome === 'failed' || gate.outcome === 'paused' ? 'bad' : '' },
          `Gate of ${gate.phase}: ${gate.outcome}`,
        ),
      );
      const meta = [`${iso(gate.startedAt)} → ${iso(gate.endedAt)}`];
      if (gate.hold) meta.push(`hold ${gate.hold}`);
      if (gate.every) meta.push(`every ${gate.every}`);
      if (gate.reason) meta.push(gate.reason);
      box.appendChild(el('p', { class: 'note' }, meta.join(' · ')));
      for (const c of gate.checks) drawCheck(box, gate, c);
    }
  }

  function drawProgress(root) {
    for (const p of data.progress) {
      root.appendChild(el('h3', {}, `${p.phase} / ${p.step}`));
      const last = p.points[p.points.length - 1];
      root.appendChild(el('p', { class: 'note' }, `${last[2]} batches, ${last[1]} items`));
      plot(
        root,
        {
          title: `${p.phase} / ${p.step}: items over time`,
          scales: { x: { time: true }, b: {} },
          series: [
            {},
            { label: 'items (cumulative)', stroke: BLUE, width: 1.5, points: { show: false } },
            { label: 'batch', stroke: GREY, scale: 'b', points: { show: false } },
          ],
          axes: [{}, { label: 'items' }, { side: 1, scale: 'b', label: 'batch', grid: { show: false } }],
          height: 200,
        },
        [p.points.map((q) => q[0] / 1000), p.points.map((q) => q[1]), p.points.map((q) => q[2])],
      );
    }
  }

  drawTimeline(document.getElementById('timeline'));
  drawGates(document.getElementById('gates'));
  drawProgress(document.getElementById('progress'));
  document.body.dataset.charts = String(charts);
  document.body.dataset.ready = 'true';
})();
