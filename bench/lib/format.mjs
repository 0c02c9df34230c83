export const fixed = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits));
export const int = (v) => (v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en-US"));
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
/** "median (p25–p75)" of a summarize() result. */
export const spread = (s, digits = 0) => (s ? `${fixed(s.median, digits)} (${fixed(s.p25, digits)}–${fixed(s.p75, digits)})` : "–");
export const escapeXml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
