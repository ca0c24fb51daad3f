/** The call page's own rules, served as /static/call.css beside the app's stylesheet (CSP: style-src 'self'). */
export const CALL_STYLESHEET = `
#call-app [hidden] { display:none !important; }
.call-videos { display:grid; gap:.5rem; }
.call-videos video { width:100%; background:#111; border-radius:.4rem; aspect-ratio:4/3; object-fit:contain; }
#call-local { max-width:14rem; }
.call-controls { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin:.75rem 0; }
.call-controls p { margin:0; flex-basis:100%; font-weight:600; }
.call-devices { display:grid; gap:.75rem; grid-template-columns:repeat(auto-fit, minmax(12rem, 1fr)); margin:.75rem 0; }
button.secondary { background:#fff; color:var(--accent); border:1px solid var(--accent); }
button.danger { background:var(--bad); }
button:disabled, select:disabled { opacity:.6; cursor:default; }
.call-checks { list-style:none; padding:0; margin:0 0 1rem; display:grid; gap:.25rem; }
.call-checks li[data-ok="true"]::before { content:"✓ "; color:var(--ok); font-weight:700; }
.call-checks li[data-ok="false"]::before { content:"✗ "; color:var(--bad); font-weight:700; }
meter { width:100%; height:1.25rem; }
.call-quality[data-quality]::before { content:"● "; }
.call-quality[data-quality="good"]::before { color:var(--ok); }
.call-quality[data-quality="fair"]::before { color:#b07d00; }
.call-quality[data-quality="poor"]::before { color:var(--bad); }
`;
