/** The whole stylesheet: small, no framework, readable on a phone. Served from /static/app.css (CSP: style-src 'self'). */
export const STYLESHEET = `
:root { --ink:#1d2430; --muted:#5a6472; --line:#d5dae1; --accent:#1f5f8b; --accent-ink:#fff; --bad:#a3261b; --ok:#1d6b3a; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--accent); }
h1, h2, h3 { hyphens:auto; overflow-wrap:anywhere; } /* long German compounds (Auftragsverarbeitungsvertrag) on a phone */
.skip { position:absolute; left:-999px; } .skip:focus { left:1rem; top:1rem; background:#fff; padding:.5rem; }
header.top { display:flex; flex-wrap:wrap; gap:1rem; align-items:center; justify-content:space-between; padding:.75rem 1rem; background:#fff; border-bottom:1px solid var(--line); }
header.top .brand { font-weight:700; text-decoration:none; color:var(--ink); }
nav ul { list-style:none; display:flex; flex-wrap:wrap; gap:1rem; margin:0; padding:0; align-items:center; }
main { max-width:46rem; margin:1.5rem auto; padding:0 1rem; }
footer { max-width:46rem; margin:2rem auto; padding:0 1rem; color:var(--muted); font-size:.9rem; }
form.stack { display:grid; gap:1rem; background:#fff; padding:1.25rem; border:1px solid var(--line); border-radius:.5rem; }
label { display:grid; gap:.25rem; font-weight:600; }
label.check { display:flex; gap:.5rem; align-items:flex-start; font-weight:400; }
input, select, textarea { font:inherit; padding:.55rem .6rem; border:1px solid #8a94a3; border-radius:.35rem; width:100%; background:#fff; color:var(--ink); }
input[type=checkbox] { width:auto; margin-top:.3rem; }
.hint { font-weight:400; color:var(--muted); font-size:.9rem; }
button, .button { font:inherit; padding:.6rem 1rem; border:0; border-radius:.35rem; background:var(--accent); color:var(--accent-ink); cursor:pointer; text-decoration:none; display:inline-block; }
button.link { background:none; color:var(--accent); padding:0; text-decoration:underline; }
.alert { border-left:4px solid var(--bad); background:#fff; padding:.75rem 1rem; }
.notice { border-left:4px solid var(--ok); background:#fff; padding:.75rem 1rem; }
.overdue { color:var(--bad); font-weight:700; }
.field-error { color:var(--bad); font-weight:400; font-size:.9rem; }
pre.legal { white-space:pre-wrap; background:#fff; border:1px solid var(--line); padding:1rem; max-height:18rem; overflow:auto; font: .9rem/1.45 system-ui, sans-serif; }
table { border-collapse:collapse; width:100%; background:#fff; } th, td { border:1px solid var(--line); padding:.4rem .6rem; text-align:left; vertical-align:top; }
.qr svg { width:12rem; height:12rem; }
code.secret { word-break:break-all; }
.lang a[aria-current] { font-weight:700; text-decoration:none; color:var(--ink); }
fieldset { border:1px solid var(--line); border-radius:.4rem; padding:.75rem; margin:0; }
fieldset.day { border:0; padding:.25rem 0; } legend { font-weight:600; }
.slots { display:flex; flex-wrap:wrap; gap:.4rem; }
label.slot { display:inline-flex; align-items:center; gap:.3rem; border:1px solid #8a94a3; border-radius:.35rem; padding:.35rem .55rem; font-weight:400; cursor:pointer; }
label.slot:has(input:checked) { background:var(--accent); color:var(--accent-ink); border-color:var(--accent); }
label.slot input { width:auto; margin:0; }
ul.types { list-style:none; padding:0; display:grid; gap:.4rem; } ul.types a[aria-current] { font-weight:700; }
.pager { display:flex; gap:1rem; flex-wrap:wrap; }
form.inline { display:inline; margin-left:.5rem; } .actions { display:inline-flex; flex-wrap:wrap; column-gap:.5rem; } .actions form.inline { margin-left:0; } .actions button { white-space:nowrap; }
.dashboard-nav ul { list-style:none; display:flex; flex-wrap:wrap; gap:.5rem 1rem; padding:0; margin:0 0 1rem; } .dashboard-nav a[aria-current] { font-weight:700; color:var(--ink); }
dl { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; background:#fff; padding:1rem; border:1px solid var(--line); border-radius:.5rem; } dd { margin:0; }
@media (max-width:40rem) { dl { grid-template-columns:minmax(0,1fr); } dt { font-weight:600; } dd { overflow-wrap:anywhere; margin-bottom:.4rem; } }
`;
