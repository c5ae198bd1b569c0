/** The dashboard's styles: one column on a phone, a grid of panels from about 1000 px. */
export const DASHBOARD_CSS = `
:root { --fg: #1d2126; --muted: #5b6470; --line: #d7dce2; --bg: #f5f7f9; --panel: #fff; --accent: #0b5cad;
  --ok: #1a7f37; --warn: #9a6700; --bad: #c62828; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
h1 { font-size: 1.15rem; margin: 0; }
h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
h3 { font-size: .9rem; margin: 1rem 0 .3rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1rem; padding: .7rem 1rem; background: #1b1f24; color: #eef1f4; }
.top .version { color: #9aa4ae; font-size: .85rem; }
.top .clock { font-variant-numeric: tabular-nums; background: #2c333b; border-radius: 4px; padding: .15rem .5rem; }
.top nav { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; margin-left: auto; }
.top nav a { color: #9ecbff; }
button { font: inherit; border: 1px solid #9aa4ae; background: #fff; color: var(--fg); border-radius: 4px; padding: .3rem .7rem; cursor: pointer; }
button:hover { border-color: var(--accent); }
button.danger { border-color: #d99; color: var(--bad); }
button.small { padding: .1rem .45rem; font-size: .85rem; }
.grid { display: grid; gap: 1rem; padding: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 1000px) { .grid { grid-template-columns: minmax(0, 7fr) minmax(0, 6fr); } .panel.wide { grid-column: 1 / -1; } }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem 1rem; min-width: 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; }
.status { display: inline-block; border-radius: 3px; padding: 0 .35rem; font-size: .8rem; font-weight: 600; }
.status.active, .status.s2 { background: #dafbe1; color: var(--ok); }
.status.suspended, .status.s4 { background: #fff1c2; color: var(--warn); }
.status.s5, .status.s0, .status.revoked { background: #ffe0e0; color: var(--bad); }
.keys { display: flex; flex-direction: column; gap: .1rem; }
.keys .revoked { text-decoration: line-through; color: var(--muted); }
.row-actions { display: flex; gap: .3rem; align-items: flex-start; white-space: nowrap; }
.row-actions form { display: grid; grid-template-columns: 4.5rem auto; gap: .3rem; align-items: start; }
.row-actions input { padding: .15rem .35rem; }
.row-actions form button { justify-self: start; }
.row-actions .form-result { grid-column: 1 / -1; white-space: normal; max-width: 14rem; }
.row-actions .field-error { grid-column: 1 / -1; white-space: normal; max-width: 14rem; }
.tools { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-end; }
.tools form { flex: 1 1 16rem; }
.tools form#reset { flex: 0 0 auto; }
form.action { display: flex; flex-wrap: wrap; gap: .5rem .6rem; align-items: flex-end; margin: .3rem 0 .6rem; }
.field { display: flex; flex-direction: column; gap: .15rem; min-width: 7rem; flex: 1 1 7rem; }
.field.wide { flex: 2 1 14rem; }
.field .label { font-size: .8rem; color: var(--muted); }
input, textarea { font: inherit; border: 1px solid #aab3bd; border-radius: 4px; padding: .3rem .45rem; width: 100%; background: #fff; }
textarea { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
input[type=file] { border: none; padding: .2rem 0; }
[aria-invalid=true] { border-color: var(--bad); outline-color: var(--bad); }
.field-error { color: var(--bad); font-size: .8rem; }
.form-result { flex-basis: 100%; font-size: .85rem; }
.form-result:empty { display: none; }
.form-result.error { color: var(--bad); }
.form-result.ok { color: var(--ok); }
.form-result ul { margin: .2rem 0 0; padding-left: 1.1rem; }
.new-key { display: block; margin-top: .2rem; padding: .3rem .5rem; background: #fff8c5; border: 1px solid #e5d27a; border-radius: 4px; color: var(--fg); word-break: break-all; }
.notice { margin: 1rem 1rem 0; padding: .5rem .8rem; border-radius: 4px; background: #e8f1fb; border: 1px solid #b6d0ee; }
.notice.error { background: #ffecec; border-color: #f0b4b4; color: var(--bad); }
.token-panel { margin: 1rem; padding: 1rem; background: #fff; border: 2px solid var(--accent); border-radius: 6px; max-width: 40rem; }
.hint, .live-state, .clock-detail { color: var(--muted); font-size: .85rem; margin: .2rem 0 .5rem; }
.unavailable { color: var(--muted); font-style: italic; }
.codes { display: flex; flex-direction: column; gap: .1rem; }
.journal-list, .fault-list { list-style: none; margin: 0; padding: 0; }
.journal-list li, .fault-list li { border-bottom: 1px solid var(--line); padding: .25rem 0; }
.journal-list summary { cursor: pointer; display: flex; flex-wrap: wrap; gap: .2rem .7rem; align-items: baseline; }
.journal-list summary .path { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
.journal-list .meta { color: var(--muted); font-size: .8rem; }
.exchange { display: grid; gap: .6rem; grid-template-columns: minmax(0, 1fr); margin: .4rem 0 .4rem 1rem; }
@media (min-width: 800px) { .exchange { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.exchange h4 { margin: 0 0 .2rem; font-size: .8rem; color: var(--muted); }
pre { margin: 0; padding: .4rem .5rem; background: #f0f2f4; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 20rem; overflow: auto; }
.fault-list li { display: flex; gap: .6rem; align-items: baseline; justify-content: space-between; }
.fault-list .rule { display: flex; flex-wrap: wrap; gap: .2rem .5rem; align-items: baseline; min-width: 0; }
.fault-list .meta { color: var(--muted); font-size: .8rem; }
.chip { background: #eef1f4; border-radius: 3px; padding: 0 .35rem; font-size: .8rem; font-family: ui-monospace, Menlo, Consolas, monospace; }
/* A narrow window: each table row becomes a card, its cells labelled by their column. */
@media (max-width: 699px) {
  .table-wrap table, .table-wrap tbody, .table-wrap tr, .table-wrap td { display: block; width: 100%; }
  .table-wrap thead { display: none; }
  .table-wrap tr { border-bottom: 1px solid var(--line); padding: .4rem 0; }
  .table-wrap td { border: none; padding: .1rem 0; display: flex; gap: .6rem; text-align: left; }
  .table-wrap td::before { content: attr(data-label); flex: 0 0 7rem; color: var(--muted); font-size: .8rem; }
  .top nav { margin-left: 0; }
  .row-actions { flex-wrap: wrap; }
}
[hidden] { display: none !important; }
`;
