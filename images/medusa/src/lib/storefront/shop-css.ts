// Storefront stylesheet, kept in a TS module so `medusa build` ships it with
// the compiled server (no separate static-file step).
export const SHOP_CSS = `
:root{--ink:#1d1d1f;--muted:#5f6368;--line:#e3e3e6;--bg:#fafaf7;--card:#fff;--accent:#1f5f4a;--accent-ink:#fff;--warn:#8a1c1c;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0;line-height:1.5}
a{color:var(--accent)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
.wrap{max-width:1080px;margin:0 auto;padding:0 20px}
.skip{position:absolute;left:-999px}.skip:focus{left:12px;top:12px;background:#fff;padding:8px;z-index:10}
.site-header{background:#fff;border-bottom:1px solid var(--line)}
.header-row{display:flex;align-items:center;justify-content:space-between;height:64px}
.brand{font-weight:700;font-size:1.25rem;letter-spacing:.02em;color:var(--ink);text-decoration:none}
nav a{margin-left:20px;text-decoration:none;color:var(--ink);font-weight:500}
.cart-count{display:inline-block;min-width:1.6em;padding:0 .4em;border-radius:999px;background:var(--accent);color:var(--accent-ink);text-align:center;font-size:.85rem}
main.wrap{padding:32px 20px 64px;min-height:60vh}main:focus{outline:none}
h1{font-size:2rem;margin:0 0 8px}h2{font-size:1.25rem}
.lede{color:var(--muted);margin:0 0 28px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:24px;list-style:none;padding:0;margin:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;overflow:hidden;display:flex;flex-direction:column}
.card a{text-decoration:none;color:inherit;display:block}
.card .body{padding:14px 16px}
.card h2{font-size:1.05rem;margin:0 0 4px}.price{font-weight:600}
.art{aspect-ratio:4/3;display:flex;align-items:center;justify-content:center;font-size:3rem;font-weight:700;color:#fff}
.product{display:grid;grid-template-columns:1fr 1fr;gap:40px;align-items:start}@media(max-width:760px){.product{grid-template-columns:1fr}}
.product .art{border-radius:12px}
label{display:block;font-weight:500;margin:14px 0 4px}
input,select{width:100%;padding:10px 12px;border:1px solid #b9b9bf;border-radius:8px;font:inherit;background:#fff}
.row{display:grid;grid-template-columns:1fr 1fr;gap:14px}
button,.button{display:inline-block;background:var(--accent);color:var(--accent-ink);border:0;border-radius:8px;padding:12px 22px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none;margin-top:18px}
button[disabled]{opacity:.6;cursor:progress}
button.link{background:none;color:var(--warn);padding:0;margin:0;font-weight:500;text-decoration:underline}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:12px}
th,td{text-align:left;padding:12px;border-bottom:1px solid var(--line)}td.num,th.num{text-align:right}
.totals{margin-top:16px;text-align:right;font-size:1.1rem}
.checkout{display:grid;grid-template-columns:3fr 2fr;gap:40px}@media(max-width:760px){.checkout{grid-template-columns:1fr}}
fieldset{border:1px solid var(--line);border-radius:12px;padding:16px 20px;background:#fff;margin:0 0 20px}
legend{font-weight:600;padding:0 6px}
.option{display:flex;gap:10px;align-items:center;margin:8px 0}.option input{width:auto}
.notice{background:#fff6e0;border:1px solid #f0d28a;padding:12px 16px;border-radius:8px}
.error{color:var(--warn);font-weight:500}
.confirm{background:#fff;border:1px solid var(--line);border-radius:12px;padding:28px}
.site-footer{border-top:1px solid var(--line);color:var(--muted);padding:24px 0;font-size:.9rem}
`;
